"""The learned source edges (`analysis.source_bounds`): candidates stay on the source's line and off its cue and
content, an edge moves only when a candidate beats it by the margin, and every moved source still points into the
text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsaudit.analysis.attribution import resolve_pronouns
from newsaudit.analysis.source_bounds import SourceBounds, best_edge, edge_candidates, window
from newsaudit.analysis.steps import with_model_steps
from newsaudit.api import analyze
from newsaudit.document import Attribution, Source, Span
from newsaudit.models.linear import LinearModel

TEXT = "A court document filed by state attorney Ana Diaz says the port will close.\nNext line."
FLAT = LinearModel({}, bias=0.0, threshold=0.0)


def _att(text: str, source: str, cue: str, content: str) -> Attribution:
    s, c, k = text.index(source), text.index(cue), text.index(content)
    return Attribution(
        Span.of(text, k, k + len(content)),
        Source(Span.of(text, s, s + len(source)), "vague"),
        Span.of(text, c, c + len(cue)),
        origin="model",
    )


def test_the_window_stops_at_the_cue_and_the_line() -> None:
    att = _att(TEXT, "A court document filed by state attorney Ana Diaz", "says", "the port will close")
    toks = window(TEXT, att)
    assert toks[0].text == "A" and toks[-1].text == "Diaz"
    assert [c[1] for c in edge_candidates(TEXT, att, "start")].count(True) == 1
    assert [c[1] for c in edge_candidates(TEXT, att, "end")].count(True) == 1


def test_an_edge_moves_only_past_the_margin() -> None:
    att = _att(TEXT, "A court document filed by state attorney Ana Diaz", "says", "the port will close")
    start = LinearModel({"p=by": 5.0}, bias=-3.0, threshold=0.5)  # "state" after "by": 0.88 against 0.05
    assert best_edge(start, edge_candidates(TEXT, att, "start")) == TEXT.index("state")
    assert best_edge(LinearModel(start.weights, -3.0, 0.9), edge_candidates(TEXT, att, "start")) is None
    assert best_edge(FLAT, edge_candidates(TEXT, att, "end")) is None  # all equal: nothing beats the current end
    moved = SourceBounds(start=start, end=FLAT).apply(TEXT, [att])[0]
    assert moved.source is not None and moved.source.span.text == "state attorney Ana Diaz"
    assert moved.source.kind == "named"  # typed again after the move
    assert (moved.cue, moved.content) == (att.cue, att.content)


@given(st.data())
def test_moved_sources_point_into_the_text_and_keep_off_cue_and_content(data: st.DataObject) -> None:
    words = data.draw(st.lists(st.sampled_from(["Ana", "the", "board", ",", "said", "of", "who", "it"]), min_size=6))
    text = " ".join(words) + " says the port will close."
    n = len(words)
    a = data.draw(st.integers(0, n - 1))
    b = data.draw(st.integers(a + 1, n))
    source = " ".join(words[a:b])
    s = len(" ".join(words[:a])) + (1 if a else 0)
    cue = text.rindex("says")
    att = Attribution(
        Span.of(text, cue + 5, len(text) - 1),
        Source(Span.of(text, s, s + len(source)), "vague"),
        Span.of(text, cue, cue + 4),
    )
    weights = {f"t={w.lower()}": data.draw(st.floats(-3, 3)) for w in words} | {"d=1": 1.0, "d=-1": 1.0}
    model = SourceBounds(LinearModel(weights, 0.0, 0.0), LinearModel(weights, 0.0, 0.0))
    (out,) = model.apply(text, [att])
    assert out.source is not None
    span = out.source.span
    assert text[span.start : span.end] == span.text and span.text.strip()
    assert span.end <= cue and not span.overlaps(out.content)


def test_the_step_runs_after_the_content_bounds() -> None:
    names = with_model_steps(["newsaudit.segment.v1", "newsaudit.attribution_rules.v1", "newsaudit.claims.v1"])
    i = names.index("newsaudit.content_bounds.v1")
    assert names[i + 1] == "newsaudit.source_bounds.v1"


SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polnear" / "dev" / "text"


@pytest.mark.parametrize(
    "name",
    [
        "nyt_2016-09-30_keep-the-returns-trump-just-give",  # "as I've suggested": the settled source "I" is the writer
        "politico_2016-09-28_axelrod-calls-on-dean-to-apologi",  # an antecedent whose span settling moved
    ],
)
def test_pronoun_sources_are_typed_on_the_final_spans(name: str) -> None:
    files = sorted(SHARED.glob(f"{name}*.txt")) if SHARED.is_dir() else []
    if not files:
        pytest.skip("PolNeAR dev is not available")
    doc = analyze(files[0].read_text(encoding="utf-8"))
    assert resolve_pronouns(doc.text, doc.attributions) == doc.attributions


def _probs(text: str, source_words: set[str]):  # type: ignore[no-untyped-def]
    """One word piece per word: P(Source) 0.9 for the words in `source_words`, else 0.1."""
    import re

    import numpy as np

    from newsaudit.analysis.role_probabilities import RoleProbabilities

    words = list(re.finditer(r"\S+", text))
    tags = np.zeros((len(words), 7))
    for k, m in enumerate(words):
        tags[k, 1] = 0.9 if m.group() in source_words else 0.1
    return RoleProbabilities.of([(m.start(), m.end()) for m in words], tags)


def test_tagger_features_name_the_edge_token_and_its_outside_neighbour() -> None:
    text = "Critics of the plan said it would fail."
    att = _att(text, "the plan", "said", "it would fail")
    probs = _probs(text, {"Critics", "of", "the", "plan"})
    starts = {text[o:]: f for o, _, f in edge_candidates(text, att, "start", probs)}
    assert {"pin=9", "pout=9", "pio=9|9"} <= set(starts["the plan said it would fail."])  # "the" in, "of" out
    assert {"pin=9", "pout=none"} <= set(starts[text])  # "Critics" starts the line
    ends = {text[:o]: f for o, _, f in edge_candidates(text, att, "end", probs)}
    assert {"pin=9", "pout=9"} <= set(ends["Critics of the"])  # "the" in, "plan" out
    assert {"pin=9", "pout=none"} <= set(ends["Critics of the plan"])  # the window stops short of the cue
    assert not any(x.startswith("pin") for _, _, f in edge_candidates(text, att, "start") for x in f)


def test_an_existential_there_never_starts_a_source() -> None:
    text = "There’s a growing number of reports saying the port will close."
    att = _att(text, "a growing number of reports", "saying", "the port will close")
    starts = [text[o:].split()[0] for o, _, _ in edge_candidates(text, att, "start")]
    assert "a" in starts and "There’s" not in starts
