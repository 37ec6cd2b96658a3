"""A corpus records which model made its claim embeddings and refuses to mix two models; `reembed` switches model."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from newsaudit.cli import main
from newsaudit.errors import StoreError
from newsaudit.settings import Settings

corpus_api = pytest.importorskip("newsaudit.corpus")
Corpus = corpus_api.Corpus
RULES = Settings(use_models=False)

ARTICLES = [
    {
        "title": f"Harbour report {i}",
        "outlet": "Valley Post",
        "published": f"2024-03-{i + 1:02d}",
        "text": (
            f"Officials in Port Tamsin said on Monday that the ferry fare will rise by {10 + i} percent next month. "
            f"According to the harbour board, {200 + i} crew jobs depend on the western pier. "
            "The mayor told reporters the plan was agreed after long talks."
        ),
    }
    for i in range(3)
]


class NamedEmbedder:
    """Hashed bag of words under a model name; `salt` makes a different 'model' give different vectors."""

    def __init__(self, name: str, salt: int = 0) -> None:
        self.model_id = name
        self.salt = salt

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"\w+", text.lower()):
                out[i, (int(hashlib.md5(word.encode()).hexdigest(), 16) + self.salt) % 64] += 1.0
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-12, None)


def ingest(db: Path, tmp_path: Path, embedder: NamedEmbedder) -> Corpus:
    src = tmp_path / "articles.jsonl"
    src.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    corpus = Corpus(db, RULES, embedder_factory=lambda: embedder)
    corpus.ingest([str(src)], progress=False)
    return corpus


def stored_vectors(db: Path) -> dict[int, np.ndarray]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT id, embedding FROM claims WHERE embedding IS NOT NULL").fetchall()
    finally:
        conn.close()
    return {int(i): np.frombuffer(b, dtype="<f4") for i, b in rows}


def test_the_model_is_recorded_and_a_different_one_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with ingest(db, tmp_path, NamedEmbedder("toy-a")) as corpus:
        assert corpus.match("the ferry fare will rise", k=3)
        assert corpus.store.get_meta("embedding_model") == "toy-a"
        assert stored_vectors(db)
    with (
        Corpus(db, RULES, embedder_factory=lambda: NamedEmbedder("toy-b", salt=5)) as corpus,
        pytest.raises(StoreError) as err,
    ):
        corpus.match("the ferry fare will rise", k=3)
    message = str(err.value)
    assert "toy-a" in message and "toy-b" in message and "newsaudit reembed" in message
    assert "\n" not in message


def test_reembed_replaces_every_vector_and_records_the_new_model(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with ingest(db, tmp_path, NamedEmbedder("toy-a")) as corpus:
        corpus.match("the ferry fare will rise", k=3)  # builds and caches the claims index with toy-a vectors
    before = stored_vectors(db)
    new = NamedEmbedder("toy-b", salt=5)
    with Corpus(db, RULES, embedder_factory=lambda: new) as corpus:
        assert corpus.reembed() == len(before)
        assert corpus.store.get_meta("embedding_model") == "toy-b"
        hits = corpus.match("the ferry fare will rise", k=3)
        assert hits
    after = stored_vectors(db)
    assert after.keys() == before.keys()
    conn = sqlite3.connect(db)
    texts = dict(conn.execute("SELECT id, text FROM claims").fetchall())
    conn.close()
    for cid, vec in after.items():
        assert np.allclose(vec, new.embed([texts[cid]])[0], atol=1e-6)
        assert not np.allclose(vec, before[cid])
    # the cached index next to the DB was rebuilt for the new model, not reused with old vectors
    state = json.loads((tmp_path / "corpus.db.claims.index" / "corpus-state.json").read_text())
    assert state["embedding_model"] == "toy-b"


def test_a_corpus_from_before_the_record_is_refused_until_reembedded(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with ingest(db, tmp_path, NamedEmbedder("toy-a")) as corpus:
        corpus.match("the ferry fare will rise", k=3)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE meta")  # what an older newsaudit wrote: vectors, no record of their model
    conn.commit()
    conn.close()
    with Corpus(db, RULES, embedder_factory=lambda: NamedEmbedder("toy-a")) as corpus:
        assert corpus.store.get_meta("embedding_model") is None
        with pytest.raises(StoreError, match="unrecorded model"):
            corpus.match("the ferry fare will rise", k=3)
        corpus.reembed()
        assert corpus.store.get_meta("embedding_model") == "toy-a"
        assert corpus.match("the ferry fare will rise", k=3)


def test_a_corpus_from_before_the_record_is_adopted_by_the_old_default_model(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    base = "minilm-l6-base@0123456789ab"  # the one default embedding model of older versions
    with ingest(db, tmp_path, NamedEmbedder(base)) as corpus:
        corpus.match("the ferry fare will rise", k=3)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE meta")
    conn.commit()
    conn.close()
    with Corpus(db, RULES, embedder_factory=lambda: NamedEmbedder(base)) as corpus:
        assert corpus.match("the ferry fare will rise", k=3)
        assert corpus.store.get_meta("embedding_model") == base


def test_cli_gives_one_line_for_a_mixed_model_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "corpus.db"
    with ingest(db, tmp_path, NamedEmbedder("toy-a")) as corpus:
        corpus.match("the ferry fare will rise", k=3)
    capsys.readouterr()
    assert main(["match", "the ferry fare will rise", "--db", str(db)]) == 2  # the shipped model is not toy-a
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsaudit: error:") and "toy-a" in err and "reembed" in err
    assert len(err.splitlines()) == 1


class FailingEmbedder(NamedEmbedder):
    """Dies on its first batch, like a re-embedding interrupted halfway."""

    def embed(self, texts: list[str]) -> np.ndarray:
        raise KeyboardInterrupt


def test_an_interrupted_reembed_is_reported_until_it_is_run_again(tmp_path: Path) -> None:
    db = tmp_path / "corpus.db"
    with ingest(db, tmp_path, NamedEmbedder("toy-a")) as corpus:
        corpus.match("the ferry fare will rise", k=3)
    with (
        Corpus(db, RULES, embedder_factory=lambda: FailingEmbedder("toy-b")) as corpus,
        pytest.raises(KeyboardInterrupt),
    ):
        corpus.reembed()
    with Corpus(db, RULES, embedder_factory=lambda: NamedEmbedder("toy-b")) as corpus:
        with pytest.raises(StoreError, match="did not finish"):
            corpus.match("the ferry fare will rise", k=3)
        corpus.reembed()
        assert corpus.match("the ferry fare will rise", k=3)
