"""SentenceEmbedder.embed_with_spans: whole-text vectors as `embed` gives them, plus span vectors from the same pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.models.encoder import BASE_ENCODER, OnnxEncoder, SentenceEmbedder, shared_encoder, span_pieces

TEXTS = [
    "The harbour bridge will close every weekend in May. Ferry fares rose by a third!",
    "ok",
    "   ",
    "Café owners said the new tax, 12.5 percent, would hurt. Nobody listened.",
    "A much longer text about the council budget, the library, the school meals and the river level. " * 3,
]


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    return SentenceEmbedder(shared_encoder(None), batch_size=2)  # small batches: several passes, padding differs


def sentence_spans(text: str) -> list[tuple[int, int]]:
    from newsaudit.analysis.segment import split_sentences

    return split_sentences(text)


OFFSETS = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4)), max_size=30).map(
    lambda steps: np.array(
        [(a, a + w) for a, w in zip(np.cumsum([g for g, _ in steps]).tolist(), [w for _, w in steps], strict=True)],
        dtype=np.int64,
    ).reshape(-1, 2)
)


@settings(max_examples=300, deadline=None)
@given(OFFSETS, st.integers(0, 120), st.integers(0, 60))
def test_span_pieces_are_the_pieces_that_overlap_the_span(offsets: np.ndarray, start: int, width: int) -> None:
    end = start + width
    got = span_pieces(offsets, start, end).tolist()
    want = [
        i
        for i, (a, b) in enumerate(offsets.tolist())
        if start < end and ((a < end and b > start) or (a == b and start <= a < end))
    ]
    assert got == want
    if width == 0:
        assert got == []


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab cé.,!9Z\n"), max_size=60), st.data())
def test_real_word_pieces_map_to_the_characters_of_the_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    ((_, offsets),) = shared_encoder(None).tokenize([text])
    offs = np.asarray(offsets, dtype=np.int64).reshape(-1, 2)
    chosen = set(span_pieces(offs, start, end).tolist())
    for i, (a, b) in enumerate(offsets):
        assert 0 <= a <= b <= len(text)
        overlaps = start < end and a < end and b > start  # an empty span holds nothing
        assert (i in chosen) == (overlaps or (a == b and start <= a < end))
    if not text[start:end].strip():  # only spaces: no word piece at all
        assert not chosen


def test_whole_vectors_are_embed_bit_for_bit(embedder: SentenceEmbedder) -> None:
    spans = [sentence_spans(t) for t in TEXTS]
    found = embedder.embed_with_spans(TEXTS, spans)
    assert found.vectors.dtype == np.float32
    assert np.array_equal(found.vectors, embedder.embed(TEXTS))
    assert [len(s) for s in found.spans] == [len(s) for s in spans]
    for rows, ss in zip(found.spans, spans, strict=True):
        assert rows.shape == (len(ss), found.vectors.shape[1])
        assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    assert found.separate == 0


def test_span_vector_is_the_mean_of_its_word_pieces_in_context(embedder: SentenceEmbedder) -> None:
    text = TEXTS[0]
    spans = sentence_spans(text)
    assert len(spans) == 2
    found = embedder.embed_with_spans([text], [spans])
    enc = embedder.encoder.encode([text])
    offsets = np.asarray(enc.offsets[0], dtype=np.int64)
    for (s, e), row in zip(spans, found.spans[0], strict=True):
        idx = [i for i, (a, b) in enumerate(offsets.tolist()) if a >= s and b <= e]  # sentences split at spaces
        v = enc.hidden[0, 1 + np.array(idx)].mean(0)
        assert np.allclose(row, v / np.linalg.norm(v), atol=1e-6)
    alone = embedder.embed([text[s:e] for s, e in spans])
    sims = found.spans[0] @ alone.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]  # each pooled sentence is closest to itself
    assert not np.allclose(found.spans[0], alone, atol=1e-3)  # but in context, not a second pass


def test_spans_without_word_pieces_are_zero_and_bad_spans_raise(embedder: SentenceEmbedder) -> None:
    text = "Ferry fares rose.   Then   nothing."
    found = embedder.embed_with_spans([text, "   ", ""], [[(17, 20), (5, 5), (0, 5)], [(0, 3)], []])
    rows = found.spans[0]
    assert not rows[0].any() and not rows[1].any()  # spaces only; empty span
    assert abs(float(np.linalg.norm(rows[2])) - 1.0) < 1e-5
    assert not found.spans[1].any() and found.spans[2].shape == (0, found.vectors.shape[1])
    empty = embedder.embed_with_spans([], [])
    assert empty.vectors.shape[0] == 0 and empty.spans == []
    with pytest.raises(ValueError):
        embedder.embed_with_spans([text], [[(3, 99)]])
    with pytest.raises(ValueError):
        embedder.embed_with_spans([text], [])


def test_sentences_past_truncation_are_embedded_on_their_own() -> None:
    short = SentenceEmbedder(OnnxEncoder(BASE_ENCODER, max_length=16))  # 14 word pieces per text
    text = "The council cut the budget. The river reached its highest level in forty years."
    spans = sentence_spans(text)
    ((ids, offsets),) = short.encoder.tokenize([text])
    assert len(ids) > 14 and offsets[13][1] < spans[1][1]  # the second sentence runs past the cut
    found = short.embed_with_spans([text], [spans])
    assert found.separate == 1
    assert np.array_equal(found.vectors, short.embed([text]))
    assert np.allclose(found.spans[0][1], short.embed([text[slice(*spans[1])]])[0], atol=1e-6)
    first = short.embed([text[slice(*spans[0])]])[0]
    assert not np.allclose(found.spans[0][0], first, atol=1e-3)  # the first fits: pooled from the one pass
    assert float(found.spans[0][0] @ first) > 0.8


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(["bridge", "fares", "rose", "the", "in", "May", "2020", "café"]), min_size=1, max_size=9
        ),
        min_size=1,
        max_size=4,
    )
)
def test_any_sentences_get_unit_vectors_and_embed_is_unchanged(sentences: list[list[str]]) -> None:
    embedder = SentenceEmbedder(shared_encoder(None))
    text = " ".join(" ".join(words) + "." for words in sentences)
    spans = sentence_spans(text)
    found = embedder.embed_with_spans([text, text[:5]], [spans, []])
    assert np.array_equal(found.vectors, embedder.embed([text, text[:5]]))
    assert np.allclose(np.linalg.norm(found.spans[0], axis=1), 1.0, atol=1e-5)


def test_default_embedding_of_a_text_does_not_depend_on_what_comes_with_it() -> None:
    embedder = SentenceEmbedder(shared_encoder(None))
    alone = embedder.embed([TEXTS[0]])
    for others in ([TEXTS[0], TEXTS[3]], [TEXTS[3], TEXTS[1], TEXTS[0]]):
        together = embedder.embed(others)
        assert np.array_equal(together[others.index(TEXTS[0])], alone[0])
    batched = SentenceEmbedder(shared_encoder(None), batch_size=8).embed([TEXTS[0], TEXTS[3]])[0]
    assert not np.array_equal(batched, alone[0])  # what one text per pass avoids: int8 scales shared in a batch
