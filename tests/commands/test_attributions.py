"""`newsaudit attributions`: one PolNeAR-style .ann per .txt, exact T/E lines, and a real rules run."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit import api
from newsaudit.cli import main
from newsaudit.document import Attribution, Document, Source, Span
from newsaudit.evaluation.brat import parse_ann
from newsaudit.settings import Settings

TEXT = "The port will close in May, the mayor said.\nOthers disagree."


@pytest.fixture
def texts(tmp_path: Path) -> Path:
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "story-one.txt").write_text(TEXT, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "ignored.md").write_text("not a text", encoding="utf-8")
    return folder


def fake_analyze(source: str | Document, *, settings: object = None) -> Document:
    text = source if isinstance(source, str) else source.text
    doc = Document(text=text)
    if text == TEXT:
        doc.attributions = [
            Attribution(
                content=Span.of(text, 0, 26),
                source=Source(Span.of(text, 28, 37), "named", "person"),
                cue=Span.of(text, 38, 42),
            ),
            Attribution(content=Span.of(text, 44, 60)),
        ]
    return doc


def test_writes_polnear_ann_files(texts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "analyze", fake_analyze)
    out = tmp_path / "out" / "ann"
    assert main(["attributions", str(texts), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["empty.ann", "story-one.ann"]
    assert (out / "empty.ann").read_text(encoding="utf-8") == ""
    assert (out / "story-one.ann").read_bytes().decode("utf-8") == (
        "T1\tSource 28 37\tthe mayor\n"
        "T2\tCue 38 42\tsaid\n"
        "T3\tContent 0 26\tThe port will close in May\n"
        "T4\tAttribution 38 42\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
        "T5\tContent 44 60\tOthers disagree.\n"
        "T6\tAttribution-no-source 44 60\tOthers disagree.\n"
        "E2\tAttribution-no-source:T6 Content:T5\n"
    )


def test_unreadable_file_is_reported_and_the_rest_written(
    texts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(api, "analyze", fake_analyze)
    (texts / "bad.txt").write_bytes(b"\xff\xfe\x00broken")
    out = tmp_path / "ann"
    assert main(["attributions", str(texts), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.txt" in err and "newsaudit: error: 1 of 3 files could not be read" in err
    assert (out / "story-one.ann").exists() and not (out / "bad.ann").exists()


def test_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["attributions", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["attributions", str(tmp_path), "-o", str(tmp_path / "o")]) == 2
    assert "no .txt files" in capsys.readouterr().err


def test_real_rules_output_parses_back(texts: Path, tmp_path: Path) -> None:
    out = tmp_path / "ann"
    assert main(["--no-models", "attributions", str(texts), "-o", str(out)]) == 0
    ann = parse_ann((out / "story-one.ann").read_text(encoding="utf-8"), text=TEXT)
    assert not ann.warnings
    for entity in ann.entities.values():
        assert entity.text == " ".join(TEXT[s:e] for s, e in entity.fragments).replace("\n", " ")
    doc = api.analyze(TEXT, settings=Settings(use_models=False))
    assert len(ann.relations) == len(doc.attributions) >= 1  # "the mayor said" is the rules' simplest case
