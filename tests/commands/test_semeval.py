"""`newsaudit semeval si|tc`: exact submission formats on a made-up article folder, and one-line errors."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from newsaudit import api
from newsaudit.cli import main
from newsaudit.document import Document, Span, Technique

ARTICLES = {
    "101": "Headline here\n\nThey are utter traitors, utter traitors!\nPeace is near.\n",
    "7": "Short one.\n",
    "55": "",
}
# made-up technique spans per article (by a stand-in for the model), overlapping ones included
SPANS = {"101": [(24, 39), (15, 30), (48, 50)], "7": [], "55": []}


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for article_id, text in ARTICLES.items():
        (folder / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    (folder / "notes.txt").write_text("not an article", encoding="utf-8")
    return folder


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> None:
    def analyze(source: str | Document, *, settings: object = None) -> Document:
        text = source if isinstance(source, str) else source.text
        doc = Document(text=text)
        article_id = next(k for k, v in ARTICLES.items() if v == text)
        doc.techniques = [Technique(Span.of(text, s, e), "Loaded_Language", 0.9) for s, e in SPANS[article_id]]
        return doc

    monkeypatch.setattr(api, "analyze", analyze)


@pytest.fixture
def fake_labeller(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[tuple[int, int]]]]:
    calls: list[tuple[str, list[tuple[int, int]]]] = []

    def label_spans(text: str, spans: list[tuple[int, int]], *, model: object = None) -> list[tuple[str, float]]:
        calls.append((text, list(spans)))
        return [("Repetition" if text[s:e].startswith("utter") else "Doubt", 0.7) for s, e in spans]

    module = types.ModuleType("newsaudit.analysis.techniques")
    module.label_spans = label_spans  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "newsaudit.analysis.techniques", module)
    return calls


def test_si_writes_merged_spans_in_article_order(articles: Path, tmp_path: Path, fake_pipeline: None) -> None:
    out = tmp_path / "si.txt"
    assert main(["semeval", "si", str(articles), "-o", str(out)]) == 0
    # (15,30) and (24,39) overlap -> (15,39); article ids in numeric order; empty articles give no lines
    assert out.read_bytes() == b"101\t15\t39\n101\t48\t50\n"
    assert not list(tmp_path.glob("*.part"))


def test_si_to_stdout(articles: Path, fake_pipeline: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["semeval", "si", str(articles), "-o", "-"]) == 0
    assert capsys.readouterr().out == "101\t15\t39\n101\t48\t50\n"


def test_tc_labels_every_template_line_in_order(
    articles: Path, tmp_path: Path, fake_labeller: list[tuple[str, list[tuple[int, int]]]]
) -> None:
    template = tmp_path / "template.txt"
    template.write_text("101\t?\t48\t62\n7\t?\t0\t5\n101\t?\t24\t39\n101\t15\t23\n\n", encoding="utf-8")
    out = tmp_path / "tc.txt"
    assert main(["semeval", "tc", str(articles), "--template", str(template), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == (
        "101\tDoubt\t48\t62\n7\tDoubt\t0\t5\n101\tRepetition\t24\t39\n101\tDoubt\t15\t23\n"
    )
    assert [spans for _, spans in fake_labeller] == [[(48, 62), (24, 39), (15, 23)], [(0, 5)]]  # one call per article


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("101\t48\n", "3 or 4 tab-separated columns"),
        ("101\t?\tx\t5\n", "must be integers"),
        ("101\t?\t9\t9\n", "empty or negative"),
        ("999\t?\t0\t5\n", "no article999.txt"),
        ("7\t?\t0\t500\n", "beyond the end"),
    ],
)
def test_tc_bad_template_is_a_one_line_error(
    articles: Path,
    tmp_path: Path,
    fake_labeller: object,
    capsys: pytest.CaptureFixture[str],
    template: str,
    message: str,
) -> None:
    path = tmp_path / "template.txt"
    path.write_text(template, encoding="utf-8")
    out = tmp_path / "tc.txt"
    assert main(["semeval", "tc", str(articles), "--template", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newsaudit: error:") and message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_tc_refuses_without_models(articles: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "template.txt"
    path.write_text("7\t?\t0\t5\n", encoding="utf-8")
    code = main(["--no-models", "semeval", "tc", str(articles), "--template", str(path), "-o", str(tmp_path / "o")])
    assert code == 2
    assert "drop --no-models" in capsys.readouterr().err


def test_si_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["semeval", "si", str(tmp_path / "missing"), "-o", str(tmp_path / "o")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert main(["semeval", "si", str(tmp_path), "-o", str(tmp_path / "o")]) == 2
    assert "no article<ID>.txt files" in capsys.readouterr().err
