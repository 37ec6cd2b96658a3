"""Made-up articles and a rules-only corpus for the corpus tests (no dataset text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsaudit.corpus import Corpus
from newsaudit.settings import Settings

RULES = Settings(use_models=False)

TOWNS = ["Arlen", "Brisford", "Calloway", "Dunmere", "Eastholm", "Farrow", "Glenby", "Harwick", "Ivel", "Jarrow"]
TOPICS = [
    ("bridge", "the old river bridge will close for repairs", "engineers"),
    ("school", "two primary schools will merge next autumn", "the education board"),
    ("bus", "night bus services will be cut by half", "the transport office"),
    ("water", "tap water prices will rise by 12 percent", "the water company"),
    ("library", "the central library will open on Sundays", "the council"),
]


def make_article(i: int, *, sentences: int = 6) -> dict[str, str]:
    """A small invented news article, different for each i."""
    town = TOWNS[i % len(TOWNS)]
    topic, fact, source = TOPICS[i % len(TOPICS)]
    lines = [
        f"Officials in {town} said on Tuesday that {fact}, in a decision affecting {100 + 7 * i} households.",
        f"The mayor of {town}, Dana Oyelaran-{i}, told reporters the plan was agreed after {i + 3} months of talks.",
        f"According to {source}, the change will cost {i + 2}.{i % 10} million pounds over {i % 4 + 2} years.",
    ]
    for j in range(sentences - 3):
        lines.append(
            f"Resident number {i * 100 + j} in {town} said the {topic} decision was unfair to families on street {j}."
        )
    return {
        "text": " ".join(lines),
        "title": f"{town} {topic} plan, report {i}",
        "outlet": ["Northern Ledger", "Valley Post", "Coast Herald"][i % 3],
        "published": f"2024-{(i % 12) + 1:02d}-{(i % 27) + 1:02d}",
    }


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def write_folder(folder: Path, n: int, *, sentences: int = 6) -> Path:
    """n articles as n JSON files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"article-{i:03d}.json").write_text(json.dumps(make_article(i, sentences=sentences)), "utf-8")
    return folder


@pytest.fixture
def corpus(tmp_path: Path):
    with Corpus(tmp_path / "corpus.db", RULES) as c:
        yield c


@pytest.fixture(name="make_article")
def _make_article_fixture():
    return make_article


@pytest.fixture(name="write_folder")
def _write_folder_fixture():
    return write_folder


@pytest.fixture(name="write_jsonl")
def _write_jsonl_fixture():
    return write_jsonl
