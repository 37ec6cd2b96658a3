"""Token windows, their merging, and span snapping."""

from __future__ import annotations

import itertools
import unicodedata

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models.chunking import (
    merge_windows,
    runs,
    snap_to_words,
    split_at_blank_lines,
    trim_unpaired_quotes,
    windows,
)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2000), st.integers(1, 300), st.data())
def test_windows_cover_every_token_within_size(n: int, size: int, data: st.DataObject) -> None:
    stride = data.draw(st.integers(1, size))
    spans = windows(n, size, stride)
    covered = np.zeros(n, dtype=bool)
    for a, b in spans:
        assert 0 <= a <= b <= n and b - a <= size
        covered[a:b] = True
    assert covered.all()
    assert spans[-1][1] == n


def test_merge_windows_averages_overlaps_and_keeps_constants() -> None:
    spans = windows(10, 6, 4)
    values = [np.full((b - a, 2), 3.0, dtype=np.float32) for a, b in spans]
    merged = merge_windows(10, spans, values)
    assert merged.shape == (10, 2)
    assert np.allclose(merged, 3.0)
    # a token seen by two windows gets a value between theirs
    vals = [np.zeros((b - a, 1), np.float32) + i for i, (a, b) in enumerate(spans)]
    m = merge_windows(10, spans, vals)
    assert m[0, 0] == 0 and m[-1, 0] == len(spans) - 1
    assert 0 < m[5, 0] < 1


def test_runs() -> None:
    assert runs([False, True, True, False, True]) == [(1, 3), (4, 5)]
    assert runs([]) == []
    assert runs(np.array([True, True])) == [(0, 2)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["ab", "c", "\n", "\n\n", " \n \n", " "]), max_size=12), st.data())
def test_split_at_blank_lines_covers_the_run_and_cuts_only_there(parts: list[str], data: st.DataObject) -> None:
    text = "".join(parts)
    offsets = [(k, k + 1) for k, ch in enumerate(text) if ch.isalpha()]
    i = data.draw(st.integers(0, len(offsets)))
    j = data.draw(st.integers(i, len(offsets)))
    pieces = split_at_blank_lines(text, offsets, i, j)
    if i == j:
        return
    assert pieces[0][0] == i and pieces[-1][1] == j
    assert all(a < b for a, b in pieces) and all(p[1] == q[0] for p, q in itertools.pairwise(pieces))
    for a, b in pieces:  # no blank line inside a piece, one between neighbouring pieces
        assert "\n\n" not in text[offsets[a][0] : offsets[b - 1][1]].replace(" ", "")
    for (_, b), _ in itertools.pairwise(pieces):
        assert "\n\n" in text[offsets[b - 1][1] : offsets[b][0]].replace(" ", "")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from(["ab", "c", "\n", "\n\n", " \n \n", " "]), max_size=12),
    st.sampled_from(["\r\n", "\r", "\v", "\x85", "\u2028", "\u2029"]),
)
def test_split_at_blank_lines_knows_every_line_break(parts: list[str], newline: str) -> None:
    # a blank line written with "\r" (classic Mac text) or U+2028 cut no span; one "\r\n" is no blank line
    text = "".join(parts)
    offsets = [(k, k + 1) for k, ch in enumerate(text) if ch.isalpha()]
    other = text.replace("\n", newline)
    shift = [(len(newline) - 1) * text.count("\n", 0, k) for k in range(len(text) + 1)]
    other_offsets = [(a + shift[a], b + shift[a]) for a, b in offsets]
    expected = split_at_blank_lines(text, offsets, 0, len(offsets))
    assert split_at_blank_lines(other, other_offsets, 0, len(other_offsets)) == expected


def _draw_span(text: str, data: st.DataObject) -> tuple[int, int]:
    """Any [start, end) inside the text, empty spans included."""
    start = data.draw(st.integers(0, len(text)))
    return start, data.draw(st.integers(start, len(text)))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="ab -,.\n’'", max_size=40), st.data())
def test_snap_to_words_stays_inside_and_trims(text: str, data: st.DataObject) -> None:
    a, b = snap_to_words(text, *_draw_span(text, data))
    assert 0 <= a <= b <= len(text)
    span = text[a:b]
    assert span == span.strip()
    if b > a:
        # never cuts a word in half
        assert a == 0 or not (text[a - 1].isalnum() and text[a].isalnum())
        assert b == len(text) or not (text[b - 1].isalnum() and text[b].isalnum())


def test_snap_to_words_widens_partial_words() -> None:
    text = "The minister said hello."
    assert snap_to_words(text, 5, 9) == (4, 12)
    assert snap_to_words(text, 3, 13) == (4, 12)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet="ab \u0301\u0308\u0327\u200d", max_size=40), st.data())
def test_snap_to_words_keeps_combining_marks_with_their_letter(text: str, data: st.DataObject) -> None:
    # decomposed text: "déclaré" is "de\u0301clare\u0301"; a span ending at "declare" left the last accent out
    a, b = snap_to_words(text, *_draw_span(text, data))
    if b > a:
        assert b == len(text) or not (text[b - 1] != " " and unicodedata.combining(text[b]))
        assert a == 0 or not (text[a - 1] != " " and text[a] != " ")


def test_snap_to_words_takes_a_final_accent() -> None:
    text = unicodedata.normalize("NFD", "« Ça suffit », déclaré René.")
    start = text.index("de")
    assert text[slice(*snap_to_words(text, start, start + len("declare")))] == unicodedata.normalize("NFD", "déclaré")


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet='ab ,"“”‘’«»', max_size=30), st.data())
def test_trim_unpaired_quotes_stays_inside_and_leaves_no_unpaired_edge_quote(text: str, data: st.DataObject) -> None:
    s, e = _draw_span(text, data)
    a, b = trim_unpaired_quotes(text, s, e)
    assert s <= a <= b <= e
    span = text[a:b]
    assert span == span.strip() or (a, b) == (s, e)
    if span:
        assert not (span[0] == "“" and "”" not in span[1:])
        assert not (span[-1] == "”" and "“" not in span[:-1])
        assert not (span[0] == '"' and '"' not in span[1:])
        assert trim_unpaired_quotes(text, a, b) == (a, b)  # idempotent


def test_trim_unpaired_quotes_keeps_paired_quotes_and_apostrophes() -> None:
    text = "He called it “a war on terror and left. The farmers’ “plan” failed."
    s = text.index("“a war")
    assert text[slice(*trim_unpaired_quotes(text, s, text.index(" and")))] == "a war on terror"
    s = text.index("“plan")
    assert trim_unpaired_quotes(text, s, s + 6) == (s, s + 6)
    s = text.index("The farmers’")
    assert text[slice(*trim_unpaired_quotes(text, s, s + 12))] == "The farmers’"
