"""CheckThat! 2020 Task 2 files (queries TSV, qrels, verified claims), TREC runs, and a vector cache for them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

from newsaudit.errors import InputError, RecordError
from newsaudit.matching.factchecks import read_factchecks, unquote_field
from newsaudit.matching.index import ClaimIndex, ClaimItem, Embedder, Hit
from newsaudit.models.encoder import SpanEmbeddings

DEFAULT_CACHE = Path("/tmp/newsaudit-cache")


def read_queries(path: str | Path) -> list[tuple[str, str]]:
    """(query_id, text) pairs from a `tweet_id<TAB>tweet_content` file with a header row."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read queries {path}: {exc}") from exc
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        cols = line.split("\t")
        if len(cols) < 2:
            raise InputError(f"{path}:{lineno}: expected 'id<TAB>text'")
        if lineno == 1 and not cols[0].strip():  # the organisers' header row has an empty first cell
            continue
        if lineno == 1 and cols[0].strip().lower() in ("id", "tweet_id", "query_id"):
            continue
        out.append((cols[0].strip(), unquote_field("\t".join(cols[1:]).strip())))
    if not out:
        raise InputError(f"{path}: no queries")
    return out


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """Relevant vclaim ids per query from TREC qrels lines `qid 0 docid relevance`."""
    qrels: dict[str, set[str]] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read qrels {path}: {exc}") from exc
    for lineno, line in enumerate(lines, 1):
        cols = line.split()
        if not cols:
            continue
        if len(cols) != 4 or not cols[3].lstrip("-").isdigit():
            raise InputError(f"{path}:{lineno}: expected 'qid 0 docid relevance' (relevance a whole number)")
        if int(cols[3]) > 0:
            qrels.setdefault(cols[0], set()).add(cols[2])
    return qrels


def read_vclaims(path: str | Path) -> list[ClaimItem]:
    """The verified claims of a CheckThat! `id<TAB>vclaim<TAB>title` file as index items."""
    items = []
    for rec in read_factchecks(path, "checkthat"):
        if isinstance(rec, RecordError):
            raise rec
        items.append(ClaimItem(rec.id, rec.claim, rec.title))
    return items


class VectorCache:
    """Embeddings keyed by (model file digest, text), kept in one .npz under /tmp so re-runs skip the encoder."""

    def __init__(self, embedder: Embedder, model_key: str, folder: Path | None = DEFAULT_CACHE) -> None:
        self.embedder = embedder
        self.path = None if folder is None else Path(folder) / f"vectors-{model_key}.npz"
        self.store: dict[str, np.ndarray] = {}
        self.dirty = False
        if self.path is not None and self.path.exists():
            with np.load(self.path) as data:
                self.store = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.store}.items())
        for start in range(0, len(missing), 512):
            chunk = missing[start : start + 512]
            for (k, _), v in zip(chunk, self.embedder.embed([t for _, t in chunk]), strict=True):
                self.store[k] = np.asarray(v, dtype=np.float32)
            self.dirty = True
            self.save()
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self.store[k] for k in keys])

    def embed_with_spans(self, texts: list[str], spans: list[list[tuple[int, int]]]) -> SpanEmbeddings:
        """The wrapped embedder's `embed_with_spans` (span vectors are not cached; an embedder without it embeds
        the span texts on their own); whole-text vectors come from the cache where it has them, as `embed` gives."""
        inner = getattr(self.embedder, "embed_with_spans", None)
        if inner is None:
            flat = [t[s:e] for t, ss in zip(texts, spans, strict=True) for s, e in ss]
            vecs = self.embedder.embed(flat) if flat else np.zeros((0, 0), np.float32)
            counts = np.cumsum([0] + [len(ss) for ss in spans])
            return SpanEmbeddings(self.embed(texts), [vecs[a:b] for a, b in pairwise(counts)])
        found = inner(texts, spans)
        for i, text in enumerate(texts):
            key = self.key(text)
            if key in self.store:
                found.vectors[i] = self.store[key]
            else:
                self.store[key] = np.asarray(found.vectors[i], dtype=np.float32)
                self.dirty = True
        return found

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self.store), dtype="U40")
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vectors=np.stack(list(self.store.values())))
        tmp.replace(self.path)
        self.dirty = False


def model_key(model_dir: str | Path) -> str:
    """A short digest of an encoder folder's model.onnx, naming its vector cache."""
    digest = hashlib.sha1()
    with (Path(model_dir) / "model.onnx").open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def cached_embedder(model_dir: str | Path | None, cache: Path | None = DEFAULT_CACHE) -> Embedder:
    """A SentenceEmbedder over `model_dir` (default: the claim-matching encoder), with vectors cached under `cache`."""
    from newsaudit.models.encoder import OnnxEncoder, SentenceEmbedder, default_embedding_dir

    folder = Path(model_dir) if model_dir else default_embedding_dir()
    embedder = SentenceEmbedder(OnnxEncoder(folder))
    key = f"{model_key(folder)}-b{embedder.batch_size}"  # batching changes int8 vectors: caches never mix them
    return embedder if cache is None else VectorCache(embedder, key, cache)


def rank_queries(index: ClaimIndex, queries: Sequence[tuple[str, str]], k: int) -> dict[str, list[Hit]]:
    """The top-k hits for every (query_id, text), searched in batches."""
    out: dict[str, list[Hit]] = {}
    for start in range(0, len(queries), 256):
        chunk = queries[start : start + 256]
        for (qid, _), hits in zip(chunk, index.search_many([t for _, t in chunk], k), strict=True):
            out[qid] = hits
    return out


def trec_lines(run: dict[str, list[Hit]], tag: str) -> list[str]:
    """`query_id Q0 vclaim_id rank score tag` lines, best first per query."""
    return [
        f"{qid}\tQ0\t{hit.id}\t{rank}\t{hit.score:.6f}\t{tag}"
        for qid, hits in run.items()
        for rank, hit in enumerate(hits, 1)
    ]
