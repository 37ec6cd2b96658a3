"""Source-edge training: candidate edges are labelled from the gold source that overlaps the prediction most, and
an edge moves only where the best candidate beats the current one by the margin (synthetic article)."""

from __future__ import annotations

from newsaudit.document import Attribution, Source, Span
from newsaudit.evaluation.brat import Article, Relation
from newsaudit.training.source_bounds import candidates, moved, moves, source_f1

TEXT = "A court document filed by state attorney Ana Diaz says the port will close."


def _setup() -> tuple[Article, list[Attribution]]:
    g = TEXT.index("state")
    c = TEXT.index("says")
    gold = Relation("E1", source=(((g, c - 1),),), cue=(((c, c + 4),),))
    att = Attribution(
        Span.of(TEXT, c + 5, len(TEXT) - 1), Source(Span.of(TEXT, 0, c - 1), "vague"), Span.of(TEXT, c, c + 4)
    )
    return Article("a1", TEXT, "ann", [gold]), [att]


def test_the_gold_start_is_the_one_positive_start() -> None:
    article, atts = _setup()
    starts = candidates([article], [atts], "start")
    assert [TEXT[c.offset :].split()[0] for c in starts if c.label] == ["state"]
    assert sum(c.current for c in starts) == 1
    ends = candidates([article], [atts], "end")
    assert [c.current for c in ends if c.label] == [True]  # the predicted end is already right


def test_moving_to_the_best_start_fixes_the_source() -> None:
    article, atts = _setup()
    starts = candidates([article], [atts], "start")
    probs = [0.9 if c.label else 0.2 for c in starts]
    assert moves(starts, probs, 0.8) == {}  # 0.9 beats the current 0.2 by 0.7 only
    to = moves(starts, probs, 0.5)
    assert to == {(0, 0): TEXT.index("state")}
    assert source_f1([article], [atts]) == 0.0
    assert source_f1([article], moved([article], [atts], "start", to)) == 1.0
