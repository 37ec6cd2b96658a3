"""Sentence-boundary P/R/F1 on the PTC articles (one sentence per line), with newlines turned into spaces."""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from newsaudit.analysis.segment import split_sentences
from newsaudit.errors import InputError
from newsaudit.settings import Settings

Splitter = Callable[[str], list[tuple[int, int]]]
_NEWLINES = re.compile(r"\n\s*")
_FINAL = frozenset(".!?…\"”’')")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--splitter",
        choices=["rules", "pysbd", "all"],
        default="all",
        help="which sentence splitter to score (default: all)",
    )
    parser.add_argument("--limit", type=int, default=0, help="score only the first N articles (0: all)")


def gold_boundaries(text: str) -> set[int]:
    """Start offsets of every line after the first non-empty one: where a new sentence begins."""
    starts = {m.end() for m in _NEWLINES.finditer(text)}
    first = len(text) - len(text.lstrip())
    return {s for s in starts if first < s < len(text)}


def flatten(text: str) -> str:
    """The text with every newline replaced by one space, so offsets stay identical."""
    return text.replace("\n", " ")


def predicted_boundaries(spans: list[tuple[int, int]]) -> set[int]:
    """Start offsets of every predicted sentence but the first."""
    return {start for start, _ in sorted(spans)[1:]}


def pysbd_splitter() -> Splitter:
    """pysbd's English segmenter as a Splitter: character spans with leading whitespace trimmed."""
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False, char_span=True)

    def split(text: str) -> list[tuple[int, int]]:
        out = []
        for s in seg.segment(text):
            start, end = s.start, s.end
            while start < end and text[start].isspace():
                start += 1
            if start < end:
                out.append((start, end))
        return out

    return split


def score(splitter: Splitter, texts: list[str]) -> dict[str, Any]:
    """Micro P/R/F1 of boundary positions over all texts, and the splitter's time per 1,000 words."""
    tp = n_pred = n_gold = 0
    tp_punct = n_gold_punct = 0
    words = 0
    elapsed = 0.0
    for text in texts:
        flat = flatten(text)
        gold = gold_boundaries(text)
        t0 = time.perf_counter()
        pred = predicted_boundaries(splitter(flat))
        elapsed += time.perf_counter() - t0
        words += len(flat.split())
        tp += len(gold & pred)
        # gold boundaries after sentence-final punctuation: lines ending without it (titles, captions, "X reports:")
        # cannot be found once the newlines are gone, so this recall shows what a splitter can reach
        punct = {b for b in gold if flat[:b].rstrip()[-1:] in _FINAL}
        tp_punct += len(punct & pred)
        n_gold_punct += len(punct)
        n_pred += len(pred)
        n_gold += len(gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": f,
        "recall_after_final_punctuation": tp_punct / n_gold_punct if n_gold_punct else 0.0,
        "gold": n_gold,
        "gold_after_final_punctuation": n_gold_punct,
        "predicted": n_pred,
        "ms_per_1000_words": 1000 * elapsed / max(words, 1) * 1000,
    }


def evaluate(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """Boundary P/R/F1 of each chosen splitter on the PTC training articles."""
    folder = Path(args.data) / "ptc" / "train" / "articles"
    files = sorted(folder.glob("*.txt"))
    if not files:
        raise InputError(f"no PTC articles under {folder}")
    if args.limit:
        files = files[: args.limit]
    texts = [f.read_text(encoding="utf-8") for f in files]
    splitters: dict[str, Splitter] = {}
    if args.splitter in ("rules", "all"):
        splitters["rules"] = split_sentences
    if args.splitter in ("pysbd", "all"):
        splitters["pysbd"] = pysbd_splitter()
    result: dict[str, Any] = {"articles": len(texts)}
    for name, splitter in splitters.items():
        result[name] = score(splitter, texts)
    return result
