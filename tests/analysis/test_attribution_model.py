"""Linking model role spans into attributions, and merging them with rule attributions."""

from __future__ import annotations

from newsaudit.analysis.attribution_model import link_roles, merge
from newsaudit.document import Attribution, Document, Sentence


def _doc(text: str) -> Document:
    doc = Document(text=text)
    first = text.index(".") + 1
    doc.sentences = [Sentence(0, first, 0), Sentence(first + 1, len(text), 1)]
    return doc


def _span(text: str, role: str, phrase: str) -> tuple[str, int, int, float]:
    s = text.index(phrase)
    return (role, s, s + len(phrase), 0.8)


def test_cue_links_to_nearest_source_and_content_in_its_sentence() -> None:
    text = "The mayor said the bridge will close. Critics argued it was a mistake."
    spans = [
        _span(text, "Source", "The mayor"),
        _span(text, "Cue", "said"),
        _span(text, "Content", "the bridge will close"),
        _span(text, "Source", "Critics"),
        _span(text, "Cue", "argued"),
        _span(text, "Content", "it was a mistake"),
    ]
    atts = link_roles(_doc(text), spans)
    got = [(a.source.span.text if a.source else None, a.cue.text if a.cue else None, a.content.text) for a in atts]
    assert got == [("The mayor", "said", "the bridge will close"), ("Critics", "argued", "it was a mistake")]
    assert all(a.origin == "model" for a in atts)
    for a in atts:
        assert text[a.content.start : a.content.end] == a.content.text


def test_cue_without_content_is_dropped_and_source_is_optional() -> None:
    text = "Officials declined. The plan, reportedly, was shelved."
    spans = [_span(text, "Cue", "declined"), _span(text, "Cue", "reportedly"), _span(text, "Content", "was shelved")]
    atts = link_roles(_doc(text), spans)
    assert [(a.cue.text if a.cue else None, a.content.text, a.source) for a in atts] == [
        ("reportedly", "was shelved", None)
    ]


def test_merge_keeps_rules_and_adds_model_relations_only_where_the_rules_found_nothing() -> None:
    doc = Document(text="A said x happened. B said y happened. C thinks z.")
    model = [
        Attribution(content=doc.span(9, 17), origin="model"),
        Attribution(content=doc.span(47, 48), cue=doc.span(40, 46), origin="model"),
    ]
    rules = [Attribution(content=doc.span(7, 17)), Attribution(content=doc.span(26, 36))]
    merged = merge(model, rules)
    assert [(a.origin, a.content.text) for a in merged] == [
        ("rules", "x happened"),
        ("rules", "y happened"),
        ("model", "z"),
    ]


def test_merge_adds_a_model_cue_nested_in_a_rule_content_with_the_rules_source() -> None:
    from newsaudit.document import Source

    text = "The mayor said the vote was close and noted that turnout fell."
    doc = Document(text=text)

    def span(phrase: str):  # type: ignore[no-untyped-def]
        s = text.index(phrase)
        return doc.span(s, s + len(phrase))

    rule_source = Source(span("The mayor"), "named", "person")
    rules = [Attribution(span("the vote was close and noted that turnout fell"), rule_source, span("said"))]
    mayor, vote = Source(span("mayor"), "named", "person"), Source(span("the vote"), "vague", "other")
    second = Attribution(span("that turnout fell"), mayor, span("noted"), 0.9, "model")
    same_cue = Attribution(span("the vote was close"), None, span("said"), 0.9, "model")
    source_inside = Attribution(span("turnout fell"), vote, span("noted"), 0.9, "model")
    merged = merge([second, same_cue, source_inside], rules)
    got = [(a.origin, a.source.span.text if a.source else None, a.cue.text if a.cue else None) for a in merged]
    assert got == [("rules", "The mayor", "said"), ("model", "The mayor", "noted")]
    assert merged[1].source == rule_source and merged[1].confidence == 0.9


def test_merge_adds_a_model_content_holding_a_whole_rule_relation_but_not_one_cutting_into_it() -> None:
    from newsaudit.document import Source

    text = "Officials said the mayor had denied the report. Critics doubted the mayor had denied it."
    doc = Document(text=text)

    def span(phrase: str, after: int = 0):  # type: ignore[no-untyped-def]
        s = text.index(phrase, after)
        return doc.span(s, s + len(phrase))

    second = text.index("Critics")
    mayor, mayor2 = Source(span("the mayor"), "named", "person"), Source(span("the mayor", second), "named", "person")
    rules = [
        Attribution(span("the report"), mayor, span("had denied")),
        Attribution(span("it", second + 20), mayor2, span("had denied", second)),
    ]
    officials = Source(span("Officials"), "vague", "other")
    critics = Source(span("Critics"), "vague", "other")
    nested = Attribution(span("the mayor had denied the report"), officials, span("said"), 0.9, "model")
    cutting = Attribution(span("the mayor had", second), critics, span("doubted"), 0.9, "model")
    merged = merge([nested, cutting], rules)
    assert [(a.origin, a.cue.text if a.cue else None) for a in merged if a.origin == "model"] == [("model", "said")]
    assert len(merged) == 3


def test_reanchor_gives_model_cues_rule_boundaries_and_drops_unsure_unplaced_ones() -> None:
    from newsaudit import api
    from newsaudit.analysis.attribution_model import reanchor
    from newsaudit.settings import Settings

    text = "The union leader grumbled that the deal was unfair. Their claims about the vote were false."
    doc = api.analyze(text, settings=Settings(use_models=False))

    def model(cue: str, content: str, confidence: float) -> Attribution:
        c, t = text.index(cue), text.index(content)
        return Attribution(doc.span(t, t + len(content)), None, doc.span(c, c + len(cue)), confidence, "model")

    placed = model("grumbled", "bled", 0.9)  # the rules place its source and content
    sure, unsure = model("claims", "about the vote", 0.9), model("claims", "about the vote", 0.3)  # they cannot
    out = reanchor(doc, [placed, sure, unsure])
    got = [(a.source.span.text if a.source else None, a.cue.text if a.cue else None, a.content.text) for a in out]
    assert got == [("The union leader", "grumbled", "that the deal was unfair"), (None, "claims", "about the vote")]
    assert all(a.origin == "model" and a.confidence == 0.9 for a in out)


def test_reanchor_drops_an_unplaced_relation_whose_cue_is_only_auxiliaries() -> None:
    from newsaudit import api
    from newsaudit.analysis.attribution_model import reanchor
    from newsaudit.settings import Settings

    text = "Recruits who were promised glory found that they joined a grim war."
    doc = api.analyze(text, settings=Settings(use_models=False))

    def model(cue: str) -> Attribution:
        c, t = text.index(cue), text.index("that they joined")
        return Attribution(doc.span(t, len(text) - 1), None, doc.span(c, c + len(cue)), 0.95, "model")

    out = reanchor(doc, [model("were"), model("were promised")])
    assert [a.cue.text for a in out if a.cue is not None] == ["were promised"]
