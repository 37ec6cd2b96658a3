"""Features shared by training and run time: technique-span vectors (pooled states, length, repetition, text cues)
and hashed word / character n-grams of sentences for the check-worthiness n-gram head.

Training builds its matrices with these same functions, so the runtime sees exactly the features the heads were fit on.
"""

from __future__ import annotations

import bisect
import itertools
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_DIGIT = re.compile(r"\d")


def normalise(phrase: str) -> str:
    """Lower-cased words joined by single spaces (punctuation dropped), for repetition matching."""
    return " ".join(_NON_WORD.sub(" ", phrase.lower()).split())


def repetition_count(text: str, start: int, end: int) -> int:
    """How many other times the span's normalised phrase occurs, as whole words, in the normalised text."""
    phrase = normalise(text[start:end])
    if len(phrase) < 3:
        return 0
    return max(0, _word_index(text)[3].count(f" {phrase} ") - 1)


def repeats_earlier(text: str, start: int, end: int) -> bool:
    """Whether the span's normalised phrase (3+ characters) already occurs, as whole words, before the span."""
    phrase = normalise(text[start:end])
    if len(phrase) < 3:
        return False
    starts, ends, cuts, haystack = _word_index(text)
    k = bisect.bisect_right(ends, start)  # words wholly before the span
    if k < len(starts) and starts[k] < start:  # the span starts inside a word: normalise the prefix itself
        return f" {phrase} " in f" {normalise(text[:start])} "
    return haystack.find(f" {phrase} ", 0, cuts[k]) >= 0


_WORD_RUN = re.compile(r"[^\W_]+", re.UNICODE)


def _normal_word(run: str) -> str:
    """`normalise` of one word run: its lower case, unless lower-casing made a non-word character ("İ")."""
    low = run.lower()
    return normalise(low) if _NON_WORD.search(low) else low


@lru_cache(maxsize=8)
def _word_index(text: str) -> tuple[list[int], list[int], list[int], str]:
    """The text's word runs (starts, ends), its normalised form padded with spaces, and where the first k words end
    in that form; computed once per article rather than once per span."""
    runs = [(m.start(), m.end(), _normal_word(m.group(0))) for m in _WORD_RUN.finditer(text)]
    runs = [r for r in runs if r[2]]
    haystack, cuts = " ", [1]
    for _, _, word in runs:
        haystack += word + " "
        cuts.append(len(haystack))
    return [r[0] for r in runs], [r[1] for r in runs], cuts, haystack


N_SCALARS = 2


def span_vector(feats: np.ndarray, i: int, j: int, text: str, start: int, end: int) -> np.ndarray:
    """[mean, max] of token features over tokens [i, j), then log length and log repetition count (legacy head)."""
    part = feats[i:j] if j > i else feats[i : i + 1]
    return np.concatenate([part.mean(0), part.max(0), length_repetition(text, start, end)]).astype(np.float32)


def length_repetition(text: str, start: int, end: int) -> np.ndarray:
    """log character length / 5 and log(1 + other occurrences of the span's normalised phrase)."""
    return np.array([np.log1p(end - start) / 5.0, np.log1p(repetition_count(text, start, end))], dtype=np.float32)


# -- text cues of a technique span -----------------------------------------------------------------------------

_STOP_WORDS = """
    the a an and or of to in on for with at by from as is are was were be been it its this that these those he she
    they we you i his her their our your my not no but if so than then there here who whom which what when where why
    how do does did have has had will would can could should may might must just also very more most"""
_STOP = frozenset(_STOP_WORDS.split())
# Hand-written cue words per technique family (a word hit is a weak hint; the classifier weighs it).
CUE_WORDS: dict[str, frozenset[str]] = {
    name: frozenset(words.split())
    for name, words in {
        "authority": "said says according expert experts scientist scientists study studies professor dr pope "
        "president official officials report",
        "fear": "threat threats danger dangerous fear destroy destroyed kill killed killing die death deadly risk "
        "crisis terror terrorist terrorists attack disaster war",
        "bandwagon": "everyone everybody all majority nazi nazis hitler fascist fascism communist stalin",
        "black_white": "either only no other choice whether",
        "causal": "because therefore thus cause caused causes led lead leads result results due since",
        "doubt": "allegedly alleged supposedly so-called claim claims claimed questionable doubt really whether "
        "maybe perhaps",
        "flag": "america american americans nation national country patriot patriotic patriots our we us people "
        "freedom flag",
        "extremes": "just only merely never always ever all every nothing everything totally completely huge "
        "massive biggest worst best",
        "whatabout": "what about while yet hypocrisy hypocrite instead",
        "cliche": "period enough end story that's it simply well",
    }.items()
}
_QUOTES = "\"“”'‘’"
N_TEXT_CUES = 19 + 2 * len(CUE_WORDS) + 1


@lru_cache(maxsize=8)
def _word_counts(text: str) -> Counter[str]:
    """Lower-cased word counts of a whole article (once per article)."""
    return Counter(w.lower() for w in _WORD.findall(text))


def text_cues(text: str, start: int, end: int) -> np.ndarray:
    """Surface cues of a span [N_TEXT_CUES]: word count, repetition of its content words elsewhere in the article,
    quotes, capitals, ! and ?, whether it is a whole line or in the title, position, and cue-word hits."""
    span = text[start:end]
    words = _WORD.findall(span)
    lower = [w.lower() for w in words]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    counts = _word_counts(text)
    content = [w for w in lower if w not in _STOP and len(w) > 2]
    inside = Counter(content)
    other = [max(0, counts[w] - inside[w]) for w in content]  # occurrences outside the span
    before, after = text[max(0, start - 1) : start], text[end : end + 1]
    n_words = max(1, len(words))
    cues = [
        np.log1p(len(words)) / 3,
        float(np.mean([o > 0 for o in other])) if other else 0.0,
        float(np.log1p(max(other))) if other else 0.0,
        float(np.mean(np.log1p(other))) if other else 0.0,
        float(np.log1p(other[-1])) if other else 0.0,  # the last content word (often the head)
        (float(before != "" and before in _QUOTES) + float(after != "" and after in _QUOTES)) / 2,
        (float(span[:1] != "" and span[:1] in _QUOTES) + float(span[-1:] != "" and span[-1:] in _QUOTES)) / 2,
        float(sum(text[line_start:start].count(c) for c in '"“”') % 2 == 1),  # inside an open quotation
        sum(w[:1].isupper() for w in words) / n_words,
        float(any(len(w) > 1 and w.isupper() for w in words)),
        float("!" in span),
        float("?" in span),
        float("!" in line),
        float("?" in line),
        float(span.strip() == line.strip()),
        float(line_start == 0),  # the title line
        start / max(1, len(text)),
        len(span) / max(1, len(line)),
        float(n_words <= 3),
    ]
    for lexicon in CUE_WORDS.values():
        hits = sum(w in lexicon for w in lower)
        cues += [hits / n_words, float(hits > 0)]
    cues.append(float("what about" in text[max(0, start - 60) : end].lower()))
    return np.array(cues, dtype=np.float32)


def hashed_words(text: str, start: int, end: int, dim: int) -> np.ndarray:
    """Binary hashed bag of the span's lower-cased words and word bigrams [dim] (crc32, stable across runs)."""
    out = np.zeros(dim, dtype=np.float32)
    words = [w.lower() for w in _WORD.findall(text[start:end])]
    for gram in words + [f"{a} {b}" for a, b in itertools.pairwise(words)]:
        out[_bucket(gram, dim)] = 1.0
    return out


# -- the technique span vector ---------------------------------------------------------------------------------

# Pooled blocks over the span's word pieces; "state" = the frozen encoder's states, "adapter" = the heads' features.
POOLED = ("state_mean", "state_max", "adapter_mean", "adapter_max")
SCALAR_BLOCKS = ("length_repetition", "text_cues", "hashed_words")
TC_BLOCKS = POOLED + SCALAR_BLOCKS


def tc_vector(
    blocks: Sequence[str],
    states: np.ndarray,
    adapter: np.ndarray,
    i: int,
    j: int,
    text: str,
    start: int,
    end: int,
    *,
    hash_dim: int = 0,
) -> np.ndarray:
    """The span classifier's input: the named blocks, in order, for tokens [i, j) and characters [start, end).

    `states` are the encoder states [n, dim] and `adapter` the adapter's own features [n, k] (heads.onnx `feats`
    without the leading copy of the states).
    """
    parts = []
    for block in blocks:
        if block in POOLED:
            src = states if block.startswith("state") else adapter
            part = src[i:j] if j > i else src[i : i + 1]
            parts.append(part.mean(0) if block.endswith("mean") else part.max(0))
        elif block == "length_repetition":
            parts.append(length_repetition(text, start, end))
        elif block == "text_cues":
            parts.append(text_cues(text, start, end))
        elif block == "hashed_words":
            parts.append(hashed_words(text, start, end, hash_dim))
        else:
            raise ValueError(f"unknown span feature block {block!r}")
    return np.concatenate(parts).astype(np.float32)


def tc_unscaled(blocks: Sequence[str], hash_dim: int) -> int:
    """How many trailing columns of a tc_vector are left unstandardised (the binary hashed words, if last)."""
    return hash_dim if blocks and blocks[-1] == "hashed_words" else 0


# -- hashed n-grams of a sentence (check-worthiness) -------------------------------------------------------------


def _bucket(gram: str, dim: int) -> int:
    return zlib.crc32(gram.encode("utf-8")) % dim


@lru_cache(maxsize=131072)
def _word_hashes(word: str) -> tuple[int, ...]:
    """crc32 of one word's own grams (its unigram and its character 2-5-grams): words recur, so hash them once,
    for every bucket count (a bucket is the hash modulo the count)."""
    padded = f" {_DIGIT.sub('0', word)} "
    grams = [f"w:{word}"]
    for n in range(2, 6):
        grams += [f"c:{padded[k : k + n]}" for k in range(len(padded) - n + 1)]
    return tuple(zlib.crc32(g.encode("utf-8")) for g in grams)


def hashed_gram_counts(text: str, dim: int) -> dict[int, int]:
    """Counts of a sentence's word 1-2-grams and in-word character 2-5-grams (digits as 0) in `dim` crc32 buckets."""
    idx, counts = _gram_buckets(text, dim)
    return dict(zip(idx.tolist(), counts.tolist(), strict=True))


@lru_cache(maxsize=131072)
def _pair_hash(a: str, b: str) -> int:
    """crc32 of a word bigram gram (pairs recur too)."""
    return zlib.crc32(f"b:{a} {b}".encode())


def _gram_hashes(text: str) -> list[int]:
    """crc32 of every word 1-2-gram and in-word character 2-5-gram of a sentence, with repeats."""
    words = _WORD.findall(text.lower())
    flat = list(itertools.chain.from_iterable(map(_word_hashes, words)))
    flat += itertools.starmap(_pair_hash, itertools.pairwise(words))
    return flat


def _gram_buckets(text: str, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct buckets of `hashed_gram_counts` (sorted) and their counts."""
    return np.unique(np.array(_gram_hashes(text), dtype=np.int64) % dim, return_counts=True)


def tfidf_rows(texts: Sequence[str], idf: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text: (bucket indices, L2-normalised sublinear tf-idf values) over len(idf) buckets."""
    dim = len(idf)
    hashes = [_gram_hashes(text) for text in texts]
    lengths = np.array([len(h) for h in hashes], dtype=np.int64)
    # one np.unique over (text, bucket) keys for all texts instead of one per text
    keys = np.repeat(np.arange(len(texts), dtype=np.int64), lengths) * dim
    keys += np.fromiter(itertools.chain.from_iterable(hashes), dtype=np.int64, count=int(lengths.sum())) % dim
    uniq, counts = np.unique(keys, return_counts=True)
    row_of, bucket = np.divmod(uniq, dim)
    val = (1.0 + np.log(counts)) * idf[bucket]
    bounds = np.searchsorted(row_of, np.arange(len(texts) + 1))
    rows = []
    for r in range(len(texts)):
        idx, v = bucket[bounds[r] : bounds[r + 1]], val[bounds[r] : bounds[r + 1]]
        norm = float(np.sqrt((v**2).sum())) if len(idx) else 0.0
        rows.append((idx, (v / norm if norm > 0 else v).astype(np.float32)))
    return rows
