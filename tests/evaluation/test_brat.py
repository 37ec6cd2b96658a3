"""BRAT .ann reading and writing: PolNeAR layout, odd lines, discontinuous spans and a round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.document import Attribution, Source, Span
from newsaudit.errors import InputError
from newsaudit.evaluation.brat import (
    Relation,
    format_ann,
    load_split,
    parse_ann,
    relations_from_document,
    split_name,
)

TEXT = "The mayor said the harbour will close. Officials, it was reported, expect delays; others disagree."
ANN = (
    "T1\tSource 0 9\tThe mayor\n"
    "T2\tCue 10 14\tsaid\n"
    "T3\tContent 15 37\tthe harbour will close\n"
    "T4\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
    "T5\tContent 39 48;67 80\tOfficials expect delays\n"
    "T6\tCue 53 65\twas reported\n"
    "T7\tAttribution-no-source 53 65\twas reported\n"
    "E2\tAttribution-no-source:T7 Content:T5 Cue:T6 \n"
    "#1\tAnnotatorNotes T5\ta note\n"
    "T8\tDiscuss 82 98\tothers disagree.\n"
    "a continuation line of a span text with a newline\n"
    "E3\tAttribution:T9 Content:T3\n"
    "E4\tAttribution:T4 Content:T3 Content2:T5 Weird:T1 Cue:T77\n"
    "T10\tCue 20 10\tbackwards\n"
)


def test_parse_polnear_layout() -> None:
    ann = parse_ann(ANN, text=TEXT)
    assert [r.id for r in ann.relations] == ["E1", "E2", "E3", "E4"]
    e1, e2, e3, e4 = ann.relations
    assert (e1.source, e1.cue, e1.content) == ((((0, 9),),), (((10, 14),),), (((15, 37),),))
    assert TEXT[0:9] == "The mayor" and TEXT[15:37] == "the harbour will close"
    assert e2.label == "Attribution-no-source" and e2.source == ()
    assert e2.content == (((39, 48), (67, 80)),)
    assert " ".join(TEXT[s:e] for s, e in e2.content[0]) == "Officials expect delays"
    assert e3.content == (((15, 37),),) and e3.cue == ()  # trigger T9 is missing: no harm, roles kept
    assert e4.content == (((15, 37),), ((39, 48), (67, 80)))  # Content2 is a repeated Content
    assert ann.entities["T8"].label == "Discuss"
    # skipped and warned: the continuation line, the unknown role, the missing T77, the backwards span
    assert len(ann.warnings) == 4
    assert any("not a T or E" in w for w in ann.warnings)


def test_span_beyond_text_is_skipped() -> None:
    ann = parse_ann("T1\tSource 0 500\tx\nE1\tAttribution:T1 Source:T1\n", text="short")
    assert "T1" not in ann.entities
    assert ann.relations[0].source == ()
    assert ann.warnings


def test_non_attribution_events_are_skipped() -> None:
    ann = parse_ann("T1\tDiscuss 0 3\tabc\nE1\tDiscuss:T1\nE2\t\n")
    assert ann.relations == [] and len(ann.warnings) == 2


@given(st.text(max_size=300))
def test_parse_never_raises(content: str) -> None:
    parse_ann(content)


def test_format_matches_polnear_layout() -> None:
    rel = Relation("E1", "Attribution", (((0, 9),),), (((10, 14),),), (((15, 37),),))
    out = format_ann([rel], TEXT)
    assert out == (
        "T1\tSource 0 9\tThe mayor\n"
        "T2\tCue 10 14\tsaid\n"
        "T3\tContent 15 37\tthe harbour will close\n"
        "T4\tAttribution 10 14\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n"
    )


def test_format_replaces_newlines_in_the_text_column() -> None:
    text = "Line one\nline two said Ann."
    rel = Relation("E1", "Attribution-no-source", (), (), (((0, 17),),))
    out = format_ann([rel], text)
    assert out.splitlines()[0] == "T1\tContent 0 17\tLine one line two"
    assert out.splitlines()[-1] == "E1\tAttribution-no-source:T2 Content:T1"
    assert parse_ann(out, text=text).relations[0].content == (((0, 17),),)


def test_format_rejects_out_of_range_spans() -> None:
    with pytest.raises(ValueError):
        format_ann([Relation("E1", content=(((0, 50),),))], "tiny")


@st.composite
def text_and_relations(draw: st.DrawFn) -> tuple[str, list[Relation]]:
    text = draw(st.text(min_size=1, max_size=80))
    n = len(text)
    span = st.tuples(st.integers(0, n), st.integers(0, n)).map(lambda p: (min(p), max(p)))
    frags = st.lists(span, min_size=1, max_size=3).map(tuple)
    roles = st.lists(frags, max_size=2).map(tuple)
    rels = draw(st.lists(st.tuples(roles, roles, st.lists(frags, min_size=1, max_size=2).map(tuple)), max_size=4))
    return text, [
        Relation(f"E{i}", "Attribution" if s else "Attribution-no-source", s, c, t)
        for i, (s, c, t) in enumerate(rels, 1)
    ]


@given(text_and_relations())
def test_round_trip(case: tuple[str, list[Relation]]) -> None:
    text, relations = case
    ann = parse_ann(format_ann(relations, text), text=text)
    assert not ann.warnings
    assert [(r.label, r.source, r.cue, r.content) for r in ann.relations] == [
        (r.label, r.source, r.cue, r.content) for r in relations
    ]
    for entity in ann.entities.values():
        expected = " ".join(text[s:e] for s, e in entity.fragments)
        assert entity.text == expected.replace("\r", " ").replace("\n", " ").replace("\t", " ")


def test_relations_from_document() -> None:
    a = Attribution(
        content=Span.of(TEXT, 15, 37),
        source=Source(Span.of(TEXT, 0, 9), "named", "person"),
        cue=Span.of(TEXT, 10, 14),
    )
    b = Attribution(content=Span.of(TEXT, 39, 48))
    rels = relations_from_document([a, b])
    assert rels[0] == Relation("E1", "Attribution", (((0, 9),),), (((10, 14),),), (((15, 37),),))
    assert rels[1] == Relation("E2", "Attribution-no-source", (), (), (((39, 48),),))


def test_split_name() -> None:
    assert split_name(Path("nyt_2016-10-01_some-title_ab12.ann")) == ("nyt_2016-10-01_some-title", "ab12")


def test_load_split_uses_first_annotator_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "pub_2016-01-01_story.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "text" / "pub_2016-01-02_unannotated.txt").write_text("Nothing.", encoding="utf-8")
    (tmp_path / "attributions" / "pub_2016-01-01_story_zz99.ann").write_text(ANN, encoding="utf-8")
    first = (
        "T1\tContent 15 37\tthe harbour will close\n"
        "T2\tAttribution-no-source 15 37\tx\n"
        "E1\tAttribution-no-source:T2 Content:T1\n"
    )
    (tmp_path / "attributions" / "pub_2016-01-01_story_aa01.ann").write_text(first, encoding="utf-8")
    (tmp_path / "attributions" / "pub_2016-01-03_orphan_aa01.ann").write_text(first, encoding="utf-8")
    articles = load_split(tmp_path)
    assert [a.name for a in articles] == ["pub_2016-01-01_story"]
    art = articles[0]
    assert art.text == TEXT and art.annotator == "aa01" and art.annotators == ("aa01", "zz99")
    assert len(art.relations) == 1 and art.relations[0].content == (((15, 37),),)


def test_load_split_rejects_other_folders(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        load_split(tmp_path)


def test_load_real_polnear_dev() -> None:
    dev = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "polnear" / "dev"
    if not dev.is_dir():
        pytest.skip("PolNeAR data not available")
    articles = load_split(dev)
    assert len(articles) == 84
    for art in articles:
        for rel in art.relations:
            for role in ("Source", "Cue", "Content"):
                for frags in rel.role(role):
                    assert all(0 <= s <= e <= len(art.text) for s, e in frags)
    assert sum(len(rel.content) for art in articles for rel in art.relations) > 2000
