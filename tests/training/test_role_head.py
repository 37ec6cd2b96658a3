"""The role head swapped into heads.onnx: the technique outputs and features stay, `roles` is the new head's."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudit.models.audit_model import DEFAULT_MODEL, model_available


def _reference(states: np.ndarray, w: dict[str, np.ndarray]) -> np.ndarray:
    """The head in plain numpy: width-k convolution with same padding, exact GELU, linear over [states, conv]."""
    from math import erf, sqrt

    k = w["conv.weight"].shape[2]
    padded = np.pad(states, ((k // 2, k // 2), (0, 0)))
    conv = (
        np.stack([np.einsum("oik,ki->o", w["conv.weight"], padded[i : i + k]) for i in range(len(states))])
        + w["conv.bias"]
    )
    gelu = conv * 0.5 * (1.0 + np.vectorize(erf)(conv / sqrt(2.0)))
    return np.concatenate([states, gelu], axis=1) @ w["out.weight"] + w["out.bias"]


def _random_head(rng: np.random.Generator, dim: int, *, kernel: int) -> dict[str, np.ndarray]:
    """Weights of a small role head (8 channels) as `replace_roles` takes them."""
    return {
        "conv.weight": rng.normal(0, 0.05, (8, dim, kernel)).astype(np.float32),
        "conv.bias": rng.normal(0, 0.1, 8).astype(np.float32),
        "out.weight": rng.normal(0, 0.1, (dim + 8, 7)).astype(np.float32),
        "out.bias": rng.normal(0, 0.1, 7).astype(np.float32),
    }


@pytest.mark.skipif(not model_available(), reason="no trained model shipped")
def test_replace_roles_keeps_the_other_outputs_and_runs_the_new_head_twice_over() -> None:
    onnx = pytest.importorskip("onnx")  # train extra
    import onnxruntime as ort

    from newsaudit.training.role_head import replace_roles

    rng = np.random.default_rng(0)
    original = onnx.load(str(DEFAULT_MODEL / "heads.onnx"))
    dim = 384
    weights = _random_head(rng, dim, kernel=3)
    replaced = replace_roles(replace_roles(original, {k: v * 2 for k, v in weights.items()}), weights)
    assert [o.name for o in replaced.graph.output] == [o.name for o in original.graph.output]
    states = rng.normal(0, 1, (1, 11, dim)).astype(np.float32)
    run = {}
    for key, model in (("old", original), ("new", replaced)):
        session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        run[key] = dict(zip(names, session.run(None, {"states": states}), strict=True))
    np.testing.assert_array_equal(run["new"]["tech"], run["old"]["tech"])
    np.testing.assert_array_equal(run["new"]["feats"], run["old"]["feats"])
    np.testing.assert_allclose(run["new"]["roles"][0], _reference(states[0], weights), rtol=1e-4, atol=1e-4)
    weight_names = {t.name for t in replaced.graph.initializer}
    assert len(replaced.graph.initializer) == len(weight_names)  # the first replacement's weights are gone


def test_token_f1_counts_b_and_i_tags_of_a_role_alike() -> None:
    from newsaudit.training.role_head import token_f1

    gold = np.array([0, 1, 2, 3, 5, 6])  # O, B-Source, I-Source, B-Cue, B-Content, I-Content
    probs = np.eye(7)[[0, 2, 2, 0, 6, 6]]  # cue missed
    assert token_f1([probs], [gold]) == {"Source": 1.0, "Cue": 0.0, "Content": 1.0}


@pytest.mark.skipif(not model_available(), reason="no trained model shipped")
def test_a_new_role_head_in_the_compacted_heads_is_compacted_in_turn(tmp_path) -> None:  # type: ignore[no-untyped-def]
    onnx = pytest.importorskip("onnx")  # train extra
    import onnxruntime as ort

    from newsaudit.training.compact_heads import compact
    from newsaudit.training.role_head import replace_roles

    rng = np.random.default_rng(1)
    dim = 384
    weights = _random_head(rng, dim, kernel=5)
    path = tmp_path / "heads.onnx"
    onnx.save(replace_roles(onnx.load(str(DEFAULT_MODEL / "heads.onnx")), weights), str(path))
    assert compact(path) == ["role_head/conv/as_matmul/matmul"]
    states = rng.normal(0, 1, (1, 13, dim)).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    roles = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"states": states}), strict=True))
    np.testing.assert_allclose(roles["roles"][0], _reference(states[0], weights), rtol=0.05, atol=0.05)
