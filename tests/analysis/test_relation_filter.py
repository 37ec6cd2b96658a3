"""The learned relation filter (`analysis.relation_filter`): features name the relation's parts, a relation goes only
when its probability falls under the threshold, and the step runs after the source edges are settled."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.analysis.relation_filter import RelationFilter, load_filter, relation_features
from newsaudit.analysis.role_probabilities import RoleProbabilities
from newsaudit.analysis.steps import with_model_steps
from newsaudit.document import Attribution, Source, Span

TEXT = "Trump said the wall would rise.\nVoters for change"


def _att(cue: str, content: str, source: str | None = None, origin: str = "rules") -> Attribution:
    c, t = TEXT.index(cue), TEXT.index(content)
    src = None
    if source is not None:
        s = TEXT.index(source)
        src = Source(Span.of(TEXT, s, s + len(source)), "named", "person")
    return Attribution(Span.of(TEXT, t, t + len(content)), src, Span.of(TEXT, c, c + len(cue)), 0.72, origin)


def test_features_name_cue_source_content_and_line() -> None:
    said = _att("said", "the wall would rise", "Trump")
    feats = relation_features(TEXT, said, [said])
    for f in ["origin=rules", "cue=said", "cuefull=said", "prev=trump", "kind=named", "srcw=trump", "sside=before"]:
        assert f in feats
    assert {"cside=after", "c1=the", "nc=5", "firstline=True", "nested=0", "cue_in_quote=False"} <= set(feats)
    headline = _att("for", "change", origin="model")
    feats = relation_features(TEXT, headline, [said, headline])
    assert {"nosrc", "onosrc=model", "conf=7", "cue=for", "firstline=False", "linelen=3"} <= set(feats)


def _probs() -> RoleProbabilities:
    """Word pieces "Trump" (0-5), "said" (6-10), an empty special piece, "the" (11-14); columns O, B/I of Source,
    Cue, Content."""
    roles = np.array(
        [
            [0.1, 0.8, 0.1, 0.0, 0.0, 0.0, 0.0],
            [0.3, 0.0, 0.0, 0.5, 0.2, 0.0, 0.0],
            [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
            [0.5, 0.0, 0.0, 0.0, 0.0, 0.3, 0.2],
        ]
    )
    return RoleProbabilities.of([(0, 5), (6, 10), (10, 10), (11, 14)], roles)


def test_role_probabilities_average_over_the_pieces_of_a_span() -> None:
    probs = _probs()
    assert probs.over(0, 10, 1) == (0.35, 0.7)  # Cue over "Trump said": (0.0 + 0.7) / 2
    assert probs.over(6, 10, 1) == (0.7, 0.7)  # the empty piece at 10 is left out
    assert probs.over(20, 25, 2) is None
    assert probs.mean(0, 10, 1) == 0.35 and probs.mean(11, 14, 2) == 0.5 and probs.mean(15, 20, 0) is None


def test_tagger_features_name_each_span_in_tenths() -> None:
    said = _att("said", "the wall would rise", "Trump")
    feats = set(relation_features(TEXT, said, [said], _probs()))
    assert {"ps=9", "psmax=9", "ops=rules|9", "pc=7", "pcmax=7", "pt=5", "ptmax=5"} <= feats
    assert not any(f.startswith("pc=") for f in relation_features(TEXT, said, [said]))
    headline = _att("for", "change", origin="model")
    assert "ps=none" in relation_features(TEXT, headline, [headline], _probs())


def test_a_relation_goes_only_under_the_threshold() -> None:
    said, headline = _att("said", "the wall would rise", "Trump"), _att("for", "change", origin="model")
    model = RelationFilter({"cue=for": -3.0, "cue=said": 2.0}, bias=0.5, threshold=0.5)
    assert model.keep(TEXT, [said, headline]) == [said]
    assert RelationFilter(model.weights, bias=3.5, threshold=0.5).keep(TEXT, [said, headline]) == [said, headline]


def test_of_two_cues_for_one_source_and_content_only_the_more_probable_stays() -> None:
    said = _att("said", "the wall would rise", "Trump")
    second = _att("wall", "would rise", "Trump", origin="model")  # same source, overlapping content, another cue
    other = _att("for", "change", "Voters")
    elsewhere = _att("for", "the wall", "Voters")  # overlapping content, another source: kept
    model = RelationFilter({"cue=said": 2.0, "cue=wall": 1.0}, bias=0.5, threshold=0.5)
    assert model.keep(TEXT, [second, said, other, elsewhere]) == [said, other, elsewhere]
    model = RelationFilter({"cue=said": 1.0, "cue=wall": 2.0}, bias=0.5, threshold=0.5)
    assert model.keep(TEXT, [second, said, other, elsewhere]) == [second, other, elsewhere]


@given(st.lists(st.tuples(st.integers(0, len(TEXT)), st.integers(0, len(TEXT)), st.booleans()), max_size=6))
def test_keep_returns_a_subsequence_with_the_same_spans(raw: list[tuple[int, int, bool]]) -> None:
    atts = [
        Attribution(Span.of(TEXT, min(a, b), max(a, b)), cue=Span.of(TEXT, 0, 5) if has_cue else None)
        for a, b, has_cue in raw
    ]
    kept = RelationFilter({"nocue": -9.0}, bias=0.0, threshold=0.5).keep(TEXT, atts)
    assert kept == [a for a in atts if a.cue is not None]
    assert all(TEXT[a.content.start : a.content.end] == a.content.text for a in kept)


def test_the_step_runs_after_the_source_bounds() -> None:
    names = with_model_steps(["newsaudit.segment.v1", "newsaudit.attribution_rules.v1", "newsaudit.claims.v1"])
    assert names[names.index("newsaudit.source_bounds.v1") + 1] == "newsaudit.relation_filter.v1"


def test_the_shipped_filter_keeps_a_plain_speech_relation() -> None:
    said = _att("said", "the wall would rise", "Trump")
    model = load_filter()
    assert 0.0 < model.threshold < 1.0 and model.weights
    assert model.keep(TEXT, [said]) == [said]
