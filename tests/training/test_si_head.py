"""The SI-only tagger: trains on synthetic windows, is cached, and its exported `si` output is what the runtime reads
(needs the train extra)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from newsaudit.models.audit_model import AuditModel  # noqa: E402
from newsaudit.models.token_states import TokenStates  # noqa: E402
from newsaudit.training import heads  # noqa: E402
from newsaudit.training.data import TaggedText  # noqa: E402
from newsaudit.training.multitask import TrainConfig  # noqa: E402


def _corpus(n_articles: int, dim: int = 384) -> tuple[list[TaggedText], list[TokenStates]]:
    rng = np.random.default_rng(0)
    items, states = [], []
    for k in range(n_articles):
        n = 60
        offsets = [(5 * i, 5 * i + 4) for i in range(n)]
        items.append(TaggedText(str(k), "word " * n, "ptc", techniques=[(3, 50, 120), (13, 200, 240)]))
        states.append(TokenStates(offsets, rng.standard_normal((n, dim)).astype(np.float32)))
    return items, states


def test_si_tagger_is_cached_exported_and_read_by_the_runtime(tmp_path: Path) -> None:
    torch.set_num_threads(1)
    items, states = _corpus(6)
    cfg = dataclasses.replace(TrainConfig(), si_head="lstm", si_hidden=8, si_epochs=2, batch_size=4)
    train = heads.build_windows(items[:4], states[:4], "ptc")
    tune = heads.build_windows(items[4:], states[4:], "ptc")
    si, info = heads.load_or_train_si(cfg, train, tune, tmp_path)
    assert [h["epoch"] for h in info["history"]] == [1, 2]
    again, info2 = heads.load_or_train_si(cfg, train, tune, tmp_path)  # from the cached checkpoint
    assert info2 == info
    for a, b in zip(si.state_dict().values(), again.state_dict().values(), strict=True):
        assert torch.equal(a, b)

    joint = heads.build_module(384, 8, "conv")
    joint.eval()
    folder = tmp_path / "model"
    folder.mkdir()
    heads.export_heads(joint, 384, folder / "heads.onnx", si)
    assert not si.training and not joint.training  # exporting leaves both in eval mode
    (folder / "config.json").write_text(json.dumps({"si_mix": 0.5}))
    np.savez(folder / "heads.npz", unused=np.zeros(1))
    model = AuditModel(folder, threads=1)
    out = model.heads(items[0].text, states[0])
    with torch.no_grad():
        x = torch.from_numpy(states[0].states[None])
        want_si = torch.sigmoid(si(x)[0][0, :, -1]).numpy()
        want_any = torch.sigmoid(joint(x)[0][0, :, -1]).numpy()
    assert out.si is not None and out.si.shape == (60,)
    np.testing.assert_allclose(out.si, want_si, atol=1e-5)
    np.testing.assert_allclose(model.si_probs(out), 0.5 * want_si + 0.5 * want_any, atol=1e-5)
