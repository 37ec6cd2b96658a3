"""Encoder states of the training corpora, computed once with the runtime ONNX encoder and cached outside the repo.

The heads are trained on exactly the features the runtime computes (same int8 encoder, same windows), so there is
no train/run mismatch. Each corpus is cached in its own file so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from newsaudit.models.encoder import OnnxEncoder
from newsaudit.models.token_states import TokenStates, encode_texts
from newsaudit.training.data import TaggedText

log = logging.getLogger(__name__)


def save_states(path: Path, items: list[TaggedText], states: list[TokenStates]) -> None:
    arrays = {}
    for i, st in enumerate(states):
        arrays[f"s{i}"] = st.states.astype(np.float16)
        arrays[f"o{i}"] = np.array(st.offsets, dtype=np.int64).reshape(-1, 2)
    arrays["names"] = np.array([t.name for t in items])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.rename(path)


def load_states(path: Path) -> tuple[list[str], list[TokenStates]]:
    data = np.load(path)
    names = [str(n) for n in data["names"]]
    out = [
        TokenStates([tuple(o) for o in data[f"o{i}"].tolist()], data[f"s{i}"].astype(np.float32))
        for i in range(len(names))
    ]
    return names, out  # type: ignore[return-value]


def corpus_states(
    encoder: OnnxEncoder, items: list[TaggedText], path: Path, *, window: int, stride: int, batch: int = 24
) -> list[TokenStates]:
    """States for `items`, cached in `path` (computed in groups with progress logging)."""
    if path.exists():
        names, states = load_states(path)
        if names == [t.name for t in items]:
            log.info("loaded %s (%d texts)", path, len(items))
            return states
    t0, out, n_tok = time.time(), [], 0
    for b in range(0, len(items), batch):
        part_path = path.with_name(f"{path.stem}.part{b:05d}.npz")
        group_items = items[b : b + batch]
        if part_path.exists() and load_states(part_path)[0] == [t.name for t in group_items]:
            group = load_states(part_path)[1]
        else:
            group = encode_texts(encoder, [t.text for t in group_items], window=window, stride=stride)
            save_states(part_path, group_items, group)
        out.extend(group)
        n_tok += sum(len(g.offsets) for g in group)
        log.info("%s: %d/%d texts, %.0f tokens/s", path.name, len(out), len(items), n_tok / (time.time() - t0))
    save_states(path, items, out)
    for part in path.parent.glob(f"{path.stem}.part*.npz"):
        part.unlink()
    return out


def pooled_sentences(encoder: OnnxEncoder, texts: list[str], path: Path, *, batch: int = 64) -> np.ndarray:
    """Mean-pooled word-piece states of standalone sentences [n, dim], cached in `path`."""
    if path.exists():
        data = np.load(path)
        if int(data["n"]) == len(texts):
            log.info("loaded %s", path)
            return data["pooled"]
    t0, parts = time.time(), []
    step = batch * 20
    for b in range(0, len(texts), step):
        part_path = path.with_name(f"{path.stem}.part{b:05d}.npy")
        if part_path.exists():
            parts.append(np.load(part_path))
            continue
        rows = []
        for st in encode_texts(encoder, texts[b : b + step], batch_size=batch):
            rows.append(st.states.mean(0) if len(st.states) else np.zeros(encoder_dim(encoder), dtype=np.float32))
        parts.append(np.stack(rows).astype(np.float32))
        np.save(part_path, parts[-1])
        log.info("%s: %d/%d sentences, %.1f s", path.name, b + len(rows), len(texts), time.time() - t0)
    pooled = np.concatenate(parts).astype(np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, pooled=pooled, n=len(texts))
    for part in path.parent.glob(f"{path.stem}.part*.npy"):
        part.unlink()
    return pooled


def encoder_dim(encoder: OnnxEncoder) -> int:
    hidden, _ = encoder.run_ids([[encoder.cls_id]])
    return int(hidden.shape[-1])
