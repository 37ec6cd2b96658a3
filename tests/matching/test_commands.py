"""`newsaudit factchecks import` (idempotent, clear errors) and `newsaudit checkthat` (TREC run lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsaudit.cli import main

CSV = (
    "claim,rating,url,publisher,date,title\n"
    "The ferry fare doubled in one week,False,https://c.example/ferry,Checkers,2024-01-05,Did the fare double?\n"
    "Owls can see through walls,False,https://c.example/owls,Checkers,2024-01-06,\n"
)


def stored(db: Path) -> list:
    store_mod = pytest.importorskip("newsaudit.corpus.store")
    store = store_mod.SqliteStore(db)
    try:
        return list(store.iter_factchecks())
    finally:
        store.close()


def test_reimport_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("newsaudit.corpus.store")
    src, db = tmp_path / "checks.csv", tmp_path / "corpus.db"
    src.write_text(CSV, encoding="utf-8")
    assert main(["factchecks", "import", str(src), "--db", str(db)]) == 0
    assert "2 new" in capsys.readouterr().out
    first = stored(db)
    assert main(["factchecks", "import", str(src), "--db", str(db)]) == 0
    assert "0 new, 2 already stored" in capsys.readouterr().out
    assert stored(db) == first and len(first) == 2


def test_malformed_claimreview_is_reported_not_raised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("newsaudit.corpus.store")
    good = {"@type": "ClaimReview", "claimReviewed": "Owls can see through walls", "url": "https://c.example/o"}
    bad = {"@type": "ClaimReview", "url": "https://c.example/none"}
    src, db = tmp_path / "reviews.json", tmp_path / "corpus.db"
    src.write_text(json.dumps([good, bad]), encoding="utf-8")
    assert main(["factchecks", "import", str(src), "--db", str(db)]) == 1
    out = capsys.readouterr()
    assert "[1]: ClaimReview has no claimReviewed text" in out.err and "Traceback" not in out.err
    assert len(stored(db)) == 1
    src.write_text(json.dumps([bad]), encoding="utf-8")
    assert main(["factchecks", "import", str(src), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsaudit: error:") and err.count("\n") == 1


def write_task(tmp_path: Path) -> tuple[Path, Path]:
    claims = tmp_path / "vclaims.tsv"
    claims.write_text(
        "\tvclaim\ttitle\n"
        "10\tThe ferry fare doubled in one week.\tDid the ferry fare double?\n"
        "11\tOwls can see through walls.\tOwl x-ray vision\n"
        "12\tThe town library will close on Sundays from March.\tLibrary Sunday closure\n",
        encoding="utf-8",
    )
    queries = tmp_path / "queries.tsv"
    queries.write_text(
        "\ttweet_content\n"
        "1\tUnbelievable, the ferry fare just DOUBLED this week #ferry https://t.co/abc — Kim (@kim) May 2, 2024\n"
        "2\tno more sunday reading, the library closes sundays from march @TownLib\n",
        encoding="utf-8",
    )
    return queries, claims


def read_run(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_checkthat_run_file_bm25(tmp_path: Path) -> None:
    queries, claims = write_task(tmp_path)
    out = tmp_path / "run.tsv"
    assert (
        main(["checkthat", str(queries), "--claims", str(claims), "-o", str(out), "--ranker", "bm25", "--k", "2"]) == 0
    )
    rows = read_run(out)
    assert all(len(r) == 6 and r[1] == "Q0" and r[5] == "newsaudit" for r in rows)
    best = {r[0]: r[2] for r in rows if r[3] == "1"}
    assert best == {"1": "10", "2": "12"}
    assert all(int(r[3]) <= 2 for r in rows)


def test_checkthat_run_file_default_ranker(tmp_path: Path) -> None:
    queries, claims = write_task(tmp_path)
    out = tmp_path / "run.tsv"
    assert main(["checkthat", str(queries), "--claims", str(claims), "-o", str(out)]) == 0
    best = {r[0]: r[2] for r in read_run(out) if r[3] == "1"}
    assert best == {"1": "10", "2": "12"}


def test_checkthat_bad_input_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    queries, _ = write_task(tmp_path)
    assert main(["checkthat", str(queries), "--claims", str(tmp_path / "nope.tsv"), "-o", str(tmp_path / "r")]) == 2
    assert capsys.readouterr().err.startswith("newsaudit: error: no such file")
