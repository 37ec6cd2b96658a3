"""Token windows with aligned labels, and the cached hidden states of the frozen lower encoder layers."""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.models.chunking import windows
from newsaudit.training.data import TaggedText

log = logging.getLogger(__name__)

N_TECH = len(PTC_TECHNIQUES) + 1  # 14 techniques + "any technique" (span identification)
N_ROLE_TAGS = 7  # O, then B/I for Source, Cue, Content
IGNORE = -100


@dataclass
class Chunk:
    """One encoder window: word-piece ids (no special tokens), offsets, and its labels."""

    name: str
    task: str
    ids: list[int]
    offsets: list[tuple[int, int]]
    tech: np.ndarray | None = None  # [L, N_TECH] uint8, PTC only
    roles: np.ndarray | None = None  # [L] int64, PolNeAR only
    tc_spans: list[tuple[int, int, int]] = field(default_factory=list)  # (token i, token j, technique) for TC


def technique_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """[tokens, 15] multi-hot: a token carries technique k when it overlaps a gold span of k; column 14 = any."""
    out = np.zeros((len(offsets), N_TECH), dtype=np.uint8)
    starts = np.array([a for a, _ in offsets], dtype=np.int64)
    ends = np.array([b for _, b in offsets], dtype=np.int64)
    for k, s, e in spans:
        hit = (starts < e) & (s < ends) & (ends > starts)
        out[hit, k] = 1
        out[hit, N_TECH - 1] = 1
    return out


def role_tags(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int, int]]) -> np.ndarray:
    """BIO tags per token (0 = O, 1 + 2r = B-role r, 2 + 2r = I-role r); the first overlapping token of a span is B."""
    out = np.zeros((len(offsets),), dtype=np.int64)
    starts = np.array([a for a, _ in offsets], dtype=np.int64)
    ends = np.array([b for _, b in offsets], dtype=np.int64)
    for r, s, e in sorted(spans, key=lambda x: (x[1], x[2])):
        idx = np.nonzero((starts < e) & (s < ends) & (ends > starts))[0]
        if len(idx) == 0:
            continue
        out[idx] = 2 + 2 * r
        out[idx[0]] = 1 + 2 * r
    return out


def make_chunks(tokenizer, texts: Sequence[TaggedText], *, size: int, stride: int) -> list[Chunk]:  # type: ignore[no-untyped-def]
    """Tokenise texts (no special tokens), cut them into windows, and align labels to the window tokens."""
    chunks = []
    encs = tokenizer.encode_batch([t.text for t in texts], add_special_tokens=False)
    for item, enc in zip(texts, encs, strict=True):
        ids, offsets = list(enc.ids), [tuple(o) for o in enc.offsets]
        if not ids:
            continue
        tech = technique_labels(offsets, item.techniques) if item.task == "ptc" else None
        roles = role_tags(offsets, item.roles) if item.task == "polnear" else None
        for a, b in windows(len(ids), size, stride):
            tc = []
            if item.task == "ptc":
                for k, s, e in item.techniques:
                    hit = [i for i in range(a, b) if offsets[i][0] < e and s < offsets[i][1]]
                    # only spans wholly inside the window teach the span classifier
                    if hit and (hit[0] > a or offsets[a][0] <= s) and (hit[-1] < b - 1 or offsets[b - 1][1] >= e):
                        tc.append((hit[0] - a, hit[-1] + 1 - a, k))
            chunks.append(
                Chunk(
                    item.name,
                    item.task,
                    ids[a:b],
                    offsets[a:b],
                    None if tech is None else tech[a:b],
                    None if roles is None else roles[a:b],
                    tc,
                )
            )
    return chunks


def cache_key(parts: dict) -> str:  # type: ignore[type-arg]
    return hashlib.sha1(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def lower_states(model, chunks: Sequence[Chunk], layer: int, *, batch_size: int = 16) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Hidden states after `layer` encoder layers ([CLS] + tokens + [SEP], float16) for every chunk, no grad."""
    import torch

    cls_id, sep_id = 101, 102
    out: list[np.ndarray | None] = [None] * len(chunks)
    order = sorted(range(len(chunks)), key=lambda i: len(chunks[i].ids))
    t0, done = time.time(), 0
    with torch.no_grad():
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            width = max(len(chunks[i].ids) for i in idx) + 2
            ids = torch.zeros((len(idx), width), dtype=torch.long)
            mask = torch.zeros((len(idx), width), dtype=torch.long)
            for r, i in enumerate(idx):
                row = [cls_id, *chunks[i].ids, sep_id]
                ids[r, : len(row)] = torch.tensor(row)
                mask[r, : len(row)] = 1
            hidden = model(input_ids=ids, attention_mask=mask, output_hidden_states=True).hidden_states[layer]
            for r, i in enumerate(idx):
                out[i] = hidden[r, : len(chunks[i].ids) + 2].numpy().astype(np.float16)
            done += int(mask.sum())
            if (b // batch_size) % 20 == 0:
                log.info("cached %d/%d chunks, %.0f tokens/s", b + len(idx), len(chunks), done / (time.time() - t0))
    return out  # type: ignore[return-value]


def load_or_build_states(
    model,  # type: ignore[no-untyped-def]
    chunks: Sequence[Chunk],
    layer: int,
    cache_dir: Path,
    key: str,
) -> list[np.ndarray]:
    """Cached lower-layer states under `cache_dir` (never in the repo), built once."""
    path = cache_dir / f"states-{key}-L{layer}.npz"
    if path.exists():
        data = np.load(path)
        log.info("loaded cached states %s", path)
        return [data[f"c{i}"] for i in range(len(chunks))]
    states = lower_states(model, chunks, layer)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.savez(path, **{f"c{i}": s for i, s in enumerate(states)})
    return states
