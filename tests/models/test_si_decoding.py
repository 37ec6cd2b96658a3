"""SI span decoding (`decode_si_spans`): hysteresis, gap filling, word snapping, merging and the SI-tagger mix."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models.audit_model import ANY, AuditModel, ModelOutput, decode_si_spans
from newsaudit.models.token_states import TokenStates

WORDS = st.sampled_from(["the", "awful", "x", "people", "never", "vote", "re-elect", "it's", "!", ",", "WAR"])


def _pieces(text: str) -> list[tuple[int, int]]:
    """Word pieces: each word cut into chunks of at most 3 characters (snapping must rejoin them)."""
    out, pos = [], 0
    for line in text.split("\n"):
        for word in line.split(" "):
            out.extend((pos + k, pos + min(k + 3, len(word))) for k in range(0, len(word), 3))
            pos += len(word) + 1
    return out


def _whole_words(text: str) -> list[tuple[int, int]]:
    starts = [k for k, ch in enumerate(text) if ch != " " and (k == 0 or text[k - 1] == " ")]
    return [(k, _word_end(text, k)) for k in starts]


@st.composite
def articles(draw):  # type: ignore[no-untyped-def]
    lines = draw(st.lists(st.lists(WORDS, min_size=1, max_size=8), min_size=1, max_size=4))
    text = draw(st.sampled_from(["\n", "\n\n"])).join(" ".join(line) for line in lines)
    offsets = _pieces(text)
    probs = np.array(draw(st.lists(st.floats(0, 1), min_size=len(offsets), max_size=len(offsets))), dtype=np.float64)
    return text, offsets, probs


def _word_end(text: str, pos: int) -> int:
    ends = [k for k in (text.find(" ", pos), text.find("\n", pos)) if k >= 0]
    return min(ends) if ends else len(text)


def _chars(spans: list[tuple[int, int, float]]) -> set[int]:
    return {c for s, e, _ in spans for c in range(s, e)}


@settings(max_examples=200, deadline=None)
@given(
    articles(),
    st.floats(0.05, 0.95),
    st.floats(0.0, 0.95),
    st.integers(0, 4),
    st.integers(0, 12),
)
def test_spans_are_sorted_disjoint_whole_words_and_reach_the_threshold(
    art: tuple[str, list[tuple[int, int]], np.ndarray], thr: float, low: float, gap: int, min_chars: int
) -> None:
    text, offsets, probs = art
    spans = decode_si_spans(text, offsets, probs, thr, low=low, gap=gap, min_chars=min_chars)
    for k, (s, e, p) in enumerate(spans):
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        piece = text[s:e]
        assert 0 <= s < e <= len(text) and len(piece) == e - s >= min_chars
        assert piece == piece.strip()  # no edge whitespace
        assert "\n\n" not in piece  # never across a paragraph break
        assert s == 0 or not (text[s - 1].isalnum() and text[s].isalnum())  # whole words
        assert e == len(text) or not (text[e - 1].isalnum() and text[e].isalnum())
        assert nxt is None or e <= nxt[0]  # sorted, no overlaps after merging
        inside = [k for k, (a, b) in enumerate(offsets) if s <= a and b <= e]
        assert inside and max(probs[k] for k in inside) >= thr  # every span holds a word piece at the threshold
        assert 0.0 <= p <= 1.0


@settings(max_examples=200, deadline=None)
@given(articles(), st.floats(0.05, 0.95), st.floats(0.0, 1.0))
def test_plain_threshold_covers_every_confident_piece_and_hysteresis_only_grows(
    art: tuple[str, list[tuple[int, int]], np.ndarray], thr: float, frac: float
) -> None:
    text, offsets, probs = art
    plain = decode_si_spans(text, offsets, probs, thr)
    covered = _chars(plain)
    for (a, b), p in zip(offsets, probs, strict=True):
        if p >= thr:
            assert set(range(a, b)) <= covered
        # without gaps or hysteresis, a piece is covered only if a piece of its (space-separated) word is confident
        ws, we = max(text.rfind(" ", 0, a), text.rfind("\n", 0, a)) + 1, _word_end(text, a)
        same_word = [q for (c, d), q in zip(offsets, probs, strict=True) if ws <= c and d <= we]
        assert (a in covered) == (max(same_word) >= thr)
    grown = decode_si_spans(text, offsets, probs, thr, low=frac * thr)
    assert covered <= _chars(grown)
    assert len({(s, e) for s, e, _ in plain}) == len(plain)


def test_hysteresis_extends_a_confident_core_and_drops_weak_islands() -> None:
    text = "they are utterly corrupt and evil people , said a man"
    offsets = _whole_words(text)
    probs = np.array([0.1, 0.45, 0.9, 0.8, 0.45, 0.2, 0.1, 0.1, 0.1, 0.48, 0.1])
    spans = decode_si_spans(text, offsets, probs, 0.5, low=0.4)
    assert [text[s:e] for s, e, _ in spans] == ["are utterly corrupt and"]  # "a" (0.48) never reaches 0.5
    assert [text[s:e] for s, e, _ in decode_si_spans(text, offsets, probs, 0.5)] == ["utterly corrupt"]
    dips = np.array([0.1, 0.9, 0.2, 0.9, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1])
    assert [text[s:e] for s, e, _ in decode_si_spans(text, offsets, dips, 0.5, gap=1)] == [
        "are utterly corrupt",
        "people",
    ]
    assert [text[s:e] for s, e, _ in decode_si_spans(text, offsets, dips, 0.5, gap=2)] == [
        "are utterly corrupt and evil people"
    ]
    assert decode_si_spans(text, offsets, probs, 0.5, low=0.4, min_chars=30) == []


def test_gaps_are_not_filled_across_lines() -> None:
    text = "evil men\nvile acts"
    offsets = [(0, 4), (5, 8), (9, 13), (14, 18)]
    spans = decode_si_spans(text, offsets, np.array([0.9, 0.1, 0.1, 0.9]), 0.5, gap=3)
    assert [text[s:e] for s, e, _ in spans] == ["evil", "acts"]


def test_spans_stop_at_a_paragraph_break() -> None:
    text = "plagued by ruin\n\nA burnt truck\nnear the road"
    offsets = _pieces(text)
    spans = decode_si_spans(text, offsets, np.full(len(offsets), 0.9), 0.5)
    assert [text[s:e] for s, e, _ in spans] == ["plagued by ruin", "A burnt truck\nnear the road"]
    weak_tail = np.array([0.9 if a < 15 else 0.45 for a, _ in offsets])  # the second paragraph never reaches 0.5
    assert [text[s:e] for s, e, _ in decode_si_spans(text, offsets, weak_tail, 0.5, low=0.4)] == ["plagued by ruin"]


def test_si_probs_mix_the_si_tagger_with_the_joint_tagger() -> None:
    model = object.__new__(AuditModel)
    model.config = {"si_mix": 0.25}
    n = 3
    tech = np.zeros((n, ANY + 1), np.float32)
    tech[:, ANY] = [0.0, 0.4, 0.8]
    tokens = TokenStates([(0, 1), (2, 3), (4, 5)], np.zeros((n, 4), np.float32))
    out = ModelOutput("a b c", tokens, tech, np.zeros((n, 7)), np.zeros((n, 4)), si=np.array([1.0, 0.0, 0.8]))
    np.testing.assert_allclose(model.si_probs(out), [0.25, 0.3, 0.8], rtol=1e-6)
    out.si = None  # a model without an SI tagger uses the joint "any" column
    np.testing.assert_allclose(model.si_probs(out), [0.0, 0.4, 0.8], rtol=1e-6)
