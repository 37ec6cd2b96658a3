"""The learned content end (`analysis.content_bounds`): tokens and boundaries keep exact offsets, a cut only
shortens a one-fragment content, and the shipped model cuts a second clause but not a number or a reported clause."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.analysis.content_bounds import WEIGHTS, ContentBounds, boundaries, boundary_features, load_bounds, tokens
from newsaudit.analysis.steps import with_model_steps
from newsaudit.document import Attribution, Span

_TEXTS = st.text(alphabet=st.sampled_from(list("ab1 ,.;—-(“”\"'$%")), max_size=60)


def _attribution(text: str, cue: str, content: str, origin: str = "model") -> Attribution:
    c, s = text.index(cue), text.index(content)
    return Attribution(Span.of(text, s, s + len(content)), None, Span.of(text, c, c + len(cue)), origin=origin)


@given(_TEXTS, st.data())
def test_tokens_and_boundaries_point_into_the_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    toks = tokens(text, start, end)
    assert all(start <= t.start < t.end <= end and text[t.start : t.end] == t.text for t in toks)
    for b in boundaries(toks):
        assert toks[b.kept].end == b.cut <= toks[b.next].start
        assert toks[b.kept].text not in {",", ";", ":", "—", "-", "("}


def test_numbers_are_one_token() -> None:
    text = "lost $1,200.50 in 4.5% of 12,000 cases"
    assert [t.text for t in tokens(text, 0, len(text))] == ["lost", "$1,200.50", "in", "4.5%", "of", "12,000", "cases"]


def test_a_cut_takes_the_best_boundary_above_the_threshold() -> None:
    model = ContentBounds({"pw1=,|which": 4.0, "pw1=|and": 1.0}, bias=-2.0, threshold=0.5)
    text = "She blamed the storms and the tides, which wrecked four boats."
    a = _attribution(text, "blamed", "the storms and the tides, which wrecked four boats")
    assert model.trim(text, [a])[0].content.text == "the storms and the tides"
    weak = ContentBounds(model.weights, bias=-4.5, threshold=0.5)  # ", which" now scores 0.38: no cut
    assert weak.trim(text, [a])[0] == a


def test_a_content_in_two_fragments_is_left_alone() -> None:
    model = ContentBounds({"pw1=,|which": 9.0}, bias=0.0, threshold=0.5)
    text = "A storm, which nobody saw, she said, hit us."
    a = _attribution(text, "said", "A storm, which nobody saw")
    two = Attribution(a.content, None, a.cue, continuation=(Span.of(text, text.index("hit"), len(text) - 1),))
    assert model.trim(text, [two]) == [two]
    assert model.trim(text, [a])[0].content.text == "A storm"


def test_no_cut_inside_a_quotation() -> None:
    text = 'She said the storm, which nobody saw, and "the tide, which rose" hit us.'
    a = _attribution(text, "said", 'the storm, which nobody saw, and "the tide, which rose" hit us')
    found = boundary_features(text, tokens(text, a.content.start, a.content.end), None, "model")
    assert sum("pw1=,|which" in f for _, f in found) == 1  # only the ", which" outside the quotation


@given(_TEXTS, st.data())
def test_trim_only_shortens_and_keeps_offsets(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    a = Attribution(Span.of(text, start, end), origin="rules")
    (out,) = ContentBounds({"p=,": 3.0, "p=": 1.0}, bias=0.0, threshold=0.5).trim(text, [a])
    assert out.content.start == start and out.content.end <= end
    assert text[out.content.start : out.content.end] == out.content.text


def test_features_name_the_boundary() -> None:
    text = "He praised the plan, which failed."
    toks = tokens(text, text.index("the"), text.index("."))
    found = boundary_features(text, toks, (3, 10), "rules")
    assert [text[toks[0].start : b.cut] for b, _ in found] == ["the", "the plan", "the plan, which"]
    which = [f for _, f in found if "pw1=,|which" in f]
    assert len(which) == 1 and "side=cue_before" in which[0] and "origin=rules" in which[0]
    assert "cue_tail=False" in which[0]
    # another relation's cue at "plan": only the first boundary leaves it in the part cut off
    nested = boundary_features(text, toks, (3, 10), "rules", other_cues=[text.index("plan")])
    assert [("cue_tail=True" in f) for _, f in nested] == [True, False, False]


def test_save_and_load_round_trip(tmp_path: Path) -> None:
    model = ContentBounds({"w1=and": 0.5, "p=,": -0.25}, bias=-1.0, threshold=0.3)
    model.save(tmp_path / "w.json.gz", trained_with={"C": 0.3})
    assert ContentBounds.load(tmp_path / "w.json.gz") == model


def test_the_step_runs_after_the_model_attributions() -> None:
    names = with_model_steps(["newsaudit.segment.v1", "newsaudit.attribution_rules.v1", "newsaudit.claims.v1"])
    i = names.index("newsaudit.attribution_model.v1")
    assert names[i + 1] == "newsaudit.content_bounds.v1"


@pytest.mark.skipif(not WEIGHTS.is_file(), reason="shipped content-bounds model missing")
@pytest.mark.parametrize(
    ("text", "cue", "content", "expected"),
    [
        (  # a second verb of the subject is not what was endorsed
            "The mayor endorsed Ana Diaz, but did not attend her rally.",
            "endorsed",
            "Ana Diaz, but did not attend her rally",
            "Ana Diaz",
        ),
        (  # nor is a participle clause describing the reaction
            "Ana Diaz praised the ferry plan, drawing boos from the crowd.",
            "praised",
            "the ferry plan, drawing boos from the crowd",
            "the ferry plan",
        ),
        (  # a reported clause keeps its adjuncts
            "The mayor said that the harbour would stay shut until spring.",
            "said",
            "that the harbour would stay shut until spring",
            "that the harbour would stay shut until spring",
        ),
        (  # never inside a number
            "The minister said the port lost 1,200 jobs.",
            "said",
            "the port lost 1,200 jobs",
            "the port lost 1,200 jobs",
        ),
    ],
)
def test_shipped_model(text: str, cue: str, content: str, expected: str) -> None:
    (out,) = load_bounds().trim(text, [_attribution(text, cue, content)])
    assert out.content.text == expected


def test_tagger_features_name_the_kept_word_the_next_word_and_the_tail() -> None:
    import numpy as np

    from newsaudit.analysis.role_probabilities import RoleProbabilities

    text = "He praised the plan, which failed."
    words = [(m.start(), m.end()) for m in __import__("re").finditer(r"\w+", text)]
    tags = np.zeros((len(words), 7))
    tags[:, 5] = [0.0, 0.0, 0.85, 0.85, 0.25, 0.45]  # B-Content: "the plan" sure, ", which failed" not
    probs = RoleProbabilities.of(words, tags)
    toks = tokens(text, text.index("the"), text.index("."))
    found = {text[toks[0].start : b.cut]: f for b, f in boundary_features(text, toks, (3, 10), "rules", probs=probs)}
    assert {"pk=8", "pn=2", "ptail=3", "pkn=8|2", "ppn=,|2"} <= set(found["the plan"])
    assert not any(x.startswith("pk=") for _, f in boundary_features(text, toks, (3, 10), "rules") for x in f)
