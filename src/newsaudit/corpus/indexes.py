"""Claim indexes kept next to the database (`<db>.claims.index/`, `<db>.factchecks.index/`), refreshed lazily."""

from __future__ import annotations

import json
import logging
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.corpus.store import Store
from newsaudit.errors import NewsauditError, StoreError
from newsaudit.matching import ClaimIndex, ClaimItem, IndexConfig
from newsaudit.matching.index import Embedder

# The cross-encoder was trained on tweet -> fact-check pairs: it re-ranks fact-check matches, not claim-to-claim ones.
CLAIMS_CONFIG = IndexConfig(reranker="none")

log = logging.getLogger(__name__)
STATE_FILE = "corpus-state.json"
EMBED_BATCH = 256
EMBEDDING_MODEL = "embedding_model"  # store metadata key: which model made the stored claim embeddings
REEMBED_PENDING = "reembed_pending"  # store metadata key: set while `reembed` runs, so an interrupted one is seen
LEGACY_DEFAULT = "minilm-l6-base@"  # the only default embedding model before the model was recorded


def claim_key(claim_id: int) -> str:
    return f"c{claim_id}"


def claim_id_of(key: str) -> int:
    return int(key[1:])


def vector(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<f4")


def embed_missing_claims(store: Store, embedder: Embedder) -> int:
    """Compute and store embeddings for claims stored without one (ingested with models off); returns how many."""
    done = 0
    while True:
        todo = store.claims_missing_embeddings(EMBED_BATCH)
        if not todo:
            return done
        if done == 0:
            log.warning(
                "embedding the claims of articles ingested with models off (once, committed every %d claims)",
                EMBED_BATCH,
            )
        vecs = embedder.embed([text for _, text in todo])
        store.set_claim_embeddings(
            [(cid, np.asarray(v, dtype="<f4").tobytes()) for (cid, _), v in zip(todo, vecs, strict=True)]
        )
        done += len(todo)


def embedder_id(embedder: Embedder) -> str | None:
    """The model an embedder names (SentenceEmbedder: '<folder>@<digest>'); None for one that names none."""
    model_id = getattr(embedder, "model_id", None)
    return str(model_id) if model_id else None


def check_embedding_model(store: Store, embedder: Embedder) -> None:
    """Record the embedding model in a corpus without vectors; refuse to mix vectors of two models in one corpus."""
    path = getattr(store, "path", "the corpus")
    if store.get_meta(REEMBED_PENDING):
        raise StoreError(f"{path}: an earlier re-embedding did not finish; run `newsaudit reembed --db {path}` again")
    current = embedder_id(embedder)
    if current is None:  # an embedder that cannot name its model: nothing to compare
        return
    recorded = store.get_meta(EMBEDDING_MODEL)
    if recorded == current:
        return
    if recorded is None and (not store.has_claim_embeddings() or current.startswith(LEGACY_DEFAULT)):
        # A corpus from before models were recorded was embedded by the base encoder unless the user chose another.
        store.set_meta(EMBEDDING_MODEL, current)
        return
    made_by = recorded or "an unrecorded model (an older newsaudit)"
    raise StoreError(
        f"{path}: its claim embeddings were made by {made_by}, not by the current model {current}; "
        f"re-embed them with `newsaudit reembed --db {path}` (or set embedding_model_dir to that model)"
    )


def reembed_claims(store: Store, embedder: Embedder) -> int:
    """Drop every stored claim embedding and embed the claims again with `embedder`; returns how many it embedded."""
    current = embedder_id(embedder)
    store.set_meta(REEMBED_PENDING, current or "unnamed model")  # until every claim has its new vector
    store.clear_claim_embeddings()
    if current is not None:
        store.set_meta(EMBEDDING_MODEL, current)
    done = embed_missing_claims(store, embedder)
    store.set_meta(REEMBED_PENDING, "")
    return done


class _Cached:
    """One persisted ClaimIndex plus the store version it reflects."""

    def __init__(self, folder: Path, config: IndexConfig | None = None):
        self.folder = folder
        self.config = config or IndexConfig()
        self.index: ClaimIndex | None = None
        self.version: Any = None

    def load(self, embedder: Embedder) -> None:
        try:
            state = json.loads((self.folder / STATE_FILE).read_text(encoding="utf-8"))
            if state.get(EMBEDDING_MODEL) != embedder_id(embedder):
                raise ValueError(f"vectors made by {state.get(EMBEDDING_MODEL)}, not {embedder_id(embedder)}")
            self.index = ClaimIndex.load(self.folder, embedder, reranker=self.config.reranker)
            self.version = state["version"]
        except (OSError, ValueError, KeyError, NewsauditError) as exc:
            log.debug("claim index %s unusable, rebuilding: %s", self.folder, exc)
            self.index, self.version = None, None

    def save(self) -> None:
        """Write to a sibling folder, then swap it in, so a crash never leaves a half-written index in place."""
        assert self.index is not None
        tmp = self.folder.with_name(self.folder.name + ".tmp")
        old = self.folder.with_name(self.folder.name + ".old")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            self.index.save(tmp)
            state = {"version": self.version, EMBEDDING_MODEL: embedder_id(self.index.loaded_embedder)}
            (tmp / STATE_FILE).write_text(json.dumps(state) + "\n", encoding="utf-8")
            shutil.rmtree(old, ignore_errors=True)
            if self.folder.exists():
                self.folder.rename(old)
            tmp.rename(self.folder)
            shutil.rmtree(old, ignore_errors=True)
        except (OSError, StoreError) as exc:  # the index is a cache: a failed save only costs a rebuild later
            log.warning("could not save claim index to %s: %s", self.folder, exc)


class CorpusIndexes:
    """The stored-claims index and the fact-check index of one corpus, rebuilt or extended when the DB changes."""

    def __init__(self, store: Store, db_path: str, embedder_factory: Any):
        self.store = store
        self._embedder_factory = embedder_factory
        self._embedder: Embedder | None = None
        base = Path(db_path)
        self._claims = _Cached(base.with_name(base.name + ".claims.index"), CLAIMS_CONFIG)
        self._factchecks = _Cached(base.with_name(base.name + ".factchecks.index"))
        # Held while an index is refreshed or searched: ClaimIndex builds its BM25 and ANN parts lazily on first
        # search, which is not safe from two threads at once (the web app searches from a worker pool).
        self.lock = threading.RLock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            embedder = self._embedder_factory()
            check_embedding_model(self.store, embedder)
            self._embedder = embedder
        return self._embedder

    def reembed(self) -> int:
        """Re-embed every stored claim with the current model (after the embedding model changed)."""
        with self.lock:
            embedder = self._embedder or self._embedder_factory()
            done = reembed_claims(self.store, embedder)
            self._embedder = embedder
            self._claims.index = self._factchecks.index = None
            self._claims.version = self._factchecks.version = None
            return done

    def claims(self) -> ClaimIndex:
        """The index over every stored claim (embeddings taken from the DB), up to date with the DB."""
        with self.lock:
            embed_missing_claims(self.store, self.embedder)
            cached = self._claims
            count, max_id = self.store.claims_version()
            current = [count, max_id]
            if cached.index is None:
                cached.load(self.embedder)
            if cached.index is not None and cached.version == current:
                return cached.index
            old = cached.version
            if cached.index is not None and old is not None and old[1] <= max_id:
                # Only additions since: claims with a larger id. Deletions change the count differently.
                items = self._claim_items(after_id=old[1])
                if old[0] + len(items) == count:
                    cached.index.add(items)
                    cached.version = current
                    cached.save()
                    return cached.index
            cached.index = ClaimIndex.build(self._claim_items(after_id=0), self.embedder, config=cached.config)
            cached.version = current
            cached.save()
            return cached.index

    def _claim_items(self, after_id: int) -> list[ClaimItem]:
        return [
            ClaimItem(claim_key(cid), text, embedding=vector(blob))
            for cid, text, blob in self.store.iter_claim_embeddings(after_id)
            if text.strip()
        ]

    def factchecks(self) -> ClaimIndex:
        """The index over every stored fact-check (claim text plus review title), up to date with the DB."""
        with self.lock:
            cached = self._factchecks
            current = list(self.store.factchecks_version())
            if cached.index is None:
                cached.load(self.embedder)
            if cached.index is not None and cached.version == current:
                return cached.index
            items = [ClaimItem(fc.id, fc.claim, fc.title) for fc in self.store.iter_factchecks() if fc.claim.strip()]
            if cached.index is None:
                cached.index = ClaimIndex(self.embedder, config=cached.config)
            cached.index.add(items)  # ids already indexed are skipped; fact-checks are never deleted
            cached.version = current
            cached.save()
            return cached.index
