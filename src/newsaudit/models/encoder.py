"""ONNX transformer encoder run with onnxruntime and tokenizers: token states with character offsets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from newsaudit.errors import ModelError
from newsaudit.models.onnx_session import onnx_session

MODELS_DIR = Path(__file__).resolve().parent
BASE_ENCODER = MODELS_DIR / "minilm-l6-base"
CLAIM_ENCODER = MODELS_DIR / "claim-matcher"  # MiniLM fine-tuned for claim matching (newsaudit.training.claim_matcher)


def default_embedding_dir() -> Path:
    """The encoder that embeds claims for matching: the fine-tuned claim matcher if shipped, else the base MiniLM."""
    return CLAIM_ENCODER if (CLAIM_ENCODER / "model.onnx").exists() else BASE_ENCODER


@dataclass
class Encoded:
    """Encoder output for a batch: hidden states [batch, tokens, dim], mask, and per-token char offsets."""

    hidden: np.ndarray
    mask: np.ndarray
    offsets: list[list[tuple[int, int]]]
    input_ids: np.ndarray


@dataclass
class SpanEmbeddings:
    """One encoder pass over some texts: each whole text's vector and a vector per given character span of it."""

    vectors: np.ndarray  # [n, dim] unit vectors, equal to `SentenceEmbedder.embed(texts)`
    spans: list[np.ndarray]  # per text [len(its spans), dim]: unit vectors; a span with no word piece is all zeros
    separate: int = 0  # how many spans ran past the truncation point and were embedded on their own


def span_pieces(offsets: np.ndarray, start: int, end: int) -> np.ndarray:
    """Indices of the word pieces (char `offsets` [p, 2]) that overlap text[start:end]; zero-width ones inside it."""
    if len(offsets) == 0 or end <= start:
        return np.zeros(0, dtype=np.int64)
    a, b = offsets[:, 0], offsets[:, 1]
    inside = (a < end) & ((b > start) | ((a == b) & (a >= start)))
    return np.flatnonzero(inside)


class OnnxEncoder:
    """A tokenizer.json + model.onnx folder; `model_dir` may point at any exported BERT-style encoder."""

    def __init__(self, model_dir: str | Path = BASE_ENCODER, *, max_length: int = 256, threads: int | None = None):
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        onnx_path, tok_path = model_dir / "model.onnx", model_dir / "tokenizer.json"
        if not onnx_path.exists() or not tok_path.exists():
            raise ModelError(f"no encoder at {model_dir} (needs model.onnx and tokenizer.json)")
        self.model_dir = model_dir
        self.max_length = max_length
        self.tokenizer = Tokenizer.from_file(str(tok_path))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.session = onnx_session(onnx_path, threads)
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.cls_id = self.tokenizer.token_to_id("[CLS]")
        self.sep_id = self.tokenizer.token_to_id("[SEP]")
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0

    def tokenize(self, texts: list[str]) -> list[tuple[list[int], list[tuple[int, int]]]]:
        """Word-piece ids and character offsets per text, without special tokens or truncation."""
        out = []
        for enc in self.tokenizer.encode_batch(texts, add_special_tokens=False):
            out.append((list(enc.ids), [tuple(o) for o in enc.offsets]))
        return out

    def run_ids(self, batch: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Run the encoder on id sequences (special tokens added here); returns (hidden, mask)."""
        width = max(len(ids) for ids in batch) + 2
        input_ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for i, ids in enumerate(batch):
            row = [self.cls_id, *ids, self.sep_id]
            input_ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self.input_names:
            feeds["token_type_ids"] = np.zeros_like(input_ids)
        hidden = self.session.run(None, feeds)[0]
        return hidden, mask

    def encode(self, texts: list[str]) -> Encoded:
        """Encode whole texts, truncated to `max_length` tokens; offsets exclude [CLS]/[SEP]."""
        toks = self.tokenize(texts)
        limit = self.max_length - 2
        ids = [t[0][:limit] for t in toks]
        offsets = [t[1][:limit] for t in toks]
        hidden, mask = self.run_ids([i or [self.pad_id] for i in ids])
        return Encoded(hidden=hidden, mask=mask, offsets=offsets, input_ids=np.array([]))


class SentenceEmbedder:
    """Mean-pooled, L2-normalised sentence embeddings (the sentence-transformers recipe) from an encoder.

    By default from `default_embedding_dir()`: a trained claim matcher if one is there, else the base MiniLM.
    `batch_size` defaults to 1, so a text's vector never depends on the texts embedded with it: the int8 encoder
    quantises its activations with one scale per batch tensor (a sentence batched with a longer one: cosine 0.991
    to itself alone). On 2 CPU cores one text per pass is no slower for sentences (98 vs 89 claims/s at 64)."""

    def __init__(self, encoder: OnnxEncoder | None = None, *, batch_size: int = 1):
        if encoder is None:
            folder = default_embedding_dir()  # the base folder goes by None: one shared session with the heads
            encoder = shared_encoder(None if folder == BASE_ENCODER else str(folder))
        self.encoder = encoder
        self.batch_size = batch_size

    @property
    def model_id(self) -> str:
        """Which model makes these vectors: the encoder folder's name and a digest of its model.onnx."""
        return encoder_id(self.encoder.model_dir)

    @cached_property
    def dim(self) -> int:
        """Embedding size, found once by embedding a probe text."""
        return int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        """Embeddings [len(texts), dim] as float32 unit vectors; batches sorted by length for speed."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        result: list[np.ndarray | None] = [None] * len(texts)
        for idx, _, pooled in self._batches(texts):
            for j, i in enumerate(idx):
                result[i] = pooled[j]
        return np.stack(result)  # type: ignore[arg-type]

    def _batches(self, texts: list[str]) -> Iterator[tuple[list[int], Encoded, np.ndarray]]:
        """Per length-sorted batch: the texts' indices, the encoder output and the unit mean-pooled vectors."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            enc = self.encoder.encode([texts[i] for i in idx])
            m = enc.mask[..., None].astype(np.float32)
            pooled = (enc.hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            yield idx, enc, pooled.astype(np.float32)

    def embed_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> SpanEmbeddings:
        """`embed(texts)` plus, from the same encoder pass, a vector per (start, end) character span of each text.

        A span's vector is the mean of the final states of the word pieces that overlap it ([CLS]/[SEP] left out,
        unlike the whole text's), L2-normalised: the sentence in its context. A span with no word piece (only
        spaces, or empty) gets a zero vector. A span reaching past the encoder's `max_length` truncation (long
        texts) has no complete states in this pass, so it is embedded on its own, as `embed` would, in one extra
        batch for all such spans; texts that fit need no second pass. The whole-text vectors are `embed(texts)`,
        bit for bit (same batches, same pooling)."""
        if len(spans) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(spans)} span lists")
        for text, text_spans in zip(texts, spans, strict=True):
            for s, e in text_spans:
                if not 0 <= s <= e <= len(text):
                    raise ValueError(f"span ({s}, {e}) is outside a text of {len(text)} characters")
        if not texts:
            return SpanEmbeddings(np.zeros((0, 384), dtype=np.float32), [])
        result: list[np.ndarray | None] = [None] * len(texts)
        span_out: list[np.ndarray | None] = [None] * len(texts)
        overflow: list[tuple[int, int]] = []  # (text, span) pairs embedded on their own
        for idx, enc, pooled in self._batches(texts):
            for j, i in enumerate(idx):
                result[i] = pooled[j]
                offsets = np.asarray(enc.offsets[j], dtype=np.int64).reshape(-1, 2)
                covered = int(offsets[-1, 1]) if len(offsets) else 0  # texts past `max_length` are cut after this
                rows = np.zeros((len(spans[i]), enc.hidden.shape[2]), dtype=np.float32)
                for k, (s, e) in enumerate(spans[i]):
                    if texts[i][max(s, covered) : e].strip():
                        overflow.append((i, k))
                        continue
                    pieces = span_pieces(offsets, s, e)
                    if len(pieces):
                        v = enc.hidden[j, 1 + pieces].mean(0)  # +1: [CLS] comes first
                        rows[k] = v / max(float(np.linalg.norm(v)), 1e-12)
                span_out[i] = rows
        if overflow:
            alone = self.embed([texts[i][slice(*spans[i][k])] for i, k in overflow])
            for (i, k), v in zip(overflow, alone, strict=True):
                span_out[i][k] = v  # type: ignore[index]
        return SpanEmbeddings(np.stack(result), span_out, len(overflow))  # type: ignore[arg-type]


@lru_cache(maxsize=8)
def encoder_id(model_dir: str | Path) -> str:
    """'<folder name>@<first 12 hex of sha1(model.onnx)>': names the model that made stored vectors."""
    import hashlib

    digest = hashlib.sha1()
    with (Path(model_dir) / "model.onnx").open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return f"{Path(model_dir).name}@{digest.hexdigest()[:12]}"


@lru_cache(maxsize=4)
def shared_encoder(model_dir: str | None = None) -> OnnxEncoder:
    """One loaded encoder per folder per process."""
    return OnnxEncoder(model_dir or BASE_ENCODER)
