"""Cross-encoder re-ranking: the query and each top candidate read together by a small ONNX model, mixed with fusion."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.errors import ModelError
from newsaudit.models.onnx_session import onnx_session

RERANKER_DIR = Path(__file__).resolve().parent.parent / "models" / "claim-reranker"
FORMAT = "newsaudit-claim-reranker/1"
MAX_LENGTH = 128


def pair_document(text: str, title: str | None) -> str:
    """What the cross-encoder reads for a claim: its text, then its title (e.g. a fact-check headline) if different."""
    title = (title or "").strip()
    return f"{text} — {title}" if title and title != text.strip() else text


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(x, dtype=np.float64), -50, 50)))


def mix_scores(first_stage: np.ndarray, logits: np.ndarray, weight: float) -> np.ndarray:
    """first-stage score + weight x sigmoid(cross-encoder logit): weight 0 keeps the first-stage order, and a
    re-ranked candidate never falls below one that was not re-ranked (sigmoid > 0, depth taken from the top)."""
    return np.asarray(first_stage, dtype=np.float64) + weight * sigmoid(logits)


def encode_pairs(
    tokenizer: Any, pairs: Sequence[tuple[str, str]], max_length: int = MAX_LENGTH
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`[CLS] query [SEP] document [SEP]` word pieces (longest part truncated first), padded: ids, mask, type ids.

    `tokenizer` is a `tokenizers.Tokenizer` over the MiniLM vocabulary; training and run time both use this."""
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length, strategy="longest_first")
    encs = tokenizer.encode_batch([(q, d) for q, d in pairs])
    width = max((len(e.ids) for e in encs), default=1)
    ids = np.zeros((len(encs), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for i, e in enumerate(encs):
        n = len(e.ids)
        ids[i, :n] = e.ids
        mask[i, :n] = 1
        types[i, :n] = e.type_ids
    return ids, mask, types


class CrossEncoderReranker:
    """A `claim-reranker` folder: model.onnx (logit per pair), tokenizer.json, config.json (mix weight, depth)."""

    def __init__(
        self, model_dir: str | Path = RERANKER_DIR, *, threads: int | None = None, batch_size: int = 32
    ) -> None:
        from tokenizers import Tokenizer

        self.model_dir = Path(model_dir)
        onnx_path, tok_path, cfg_path = (self.model_dir / n for n in ("model.onnx", "tokenizer.json", "config.json"))
        for p in (onnx_path, tok_path, cfg_path):
            if not p.is_file():
                raise ModelError(f"no claim re-ranker at {self.model_dir} (missing {p.name})")
        try:
            cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            if cfg.get("format") != FORMAT:
                raise ValueError(f"format is {cfg.get('format')!r}, expected {FORMAT!r}")
            self.weight = float(cfg["weight"])
            self.depth = int(cfg["depth"])
            self.max_length = int(cfg.get("max_length", MAX_LENGTH))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(f"claim re-ranker config {cfg_path} is malformed: {exc}") from exc
        if self.depth < 1 or self.weight < 0 or not np.isfinite(self.weight):
            raise ModelError(f"claim re-ranker config {cfg_path}: depth must be >= 1 and weight >= 0")
        self.config = cfg
        try:
            self.tokenizer = Tokenizer.from_file(str(tok_path))
        except Exception as exc:  # tokenizers raises a bare Exception on a bad file
            raise ModelError(f"cannot read re-ranker tokenizer {tok_path}: {exc}") from exc
        try:
            self.session = onnx_session(onnx_path, threads)
        except ModelError as exc:
            raise ModelError(f"cannot load re-ranker: {exc}") from exc
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.batch_size = batch_size

    @property
    def name(self) -> str:
        return str(self.config.get("name", self.model_dir.name))

    def score(self, query: str, documents: Sequence[str]) -> np.ndarray:
        """One logit per document (higher: more likely the same claim as `query`)."""
        return self.score_pairs([(query, d) for d in documents])

    def score_pairs(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Logits for (query, document) pairs, run in length-sorted batches."""
        out = np.zeros(len(pairs), dtype=np.float32)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            ids, mask, types = encode_pairs(self.tokenizer, [pairs[i] for i in idx], self.max_length)
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = types
            try:
                logits = self.session.run(None, feeds)[0]
            except Exception as exc:
                raise ModelError(f"claim re-ranker {self.model_dir} failed: {exc}") from exc
            out[idx] = np.asarray(logits, dtype=np.float32).reshape(-1)
        return out


def reranker_available(model_dir: str | Path = RERANKER_DIR) -> bool:
    """Whether a re-ranker model is there to be loaded (a damaged one still fails in `load_reranker`)."""
    return (Path(model_dir) / "model.onnx").exists()


@lru_cache(maxsize=4)
def load_reranker(model_dir: str | None = None) -> CrossEncoderReranker:
    """One loaded re-ranker per folder per process (default: the shipped one)."""
    return CrossEncoderReranker(model_dir or RERANKER_DIR)
