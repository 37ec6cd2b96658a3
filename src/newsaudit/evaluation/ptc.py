"""PTC (SemEval-2020 Task 11) on our held-out split: span identification P/R/F1 and technique-classification F1.

Also holds the readers and writers of the task's file formats, shared with `newsaudit semeval si|tc`:
articles are `article<ID>.txt`; SI lines are `ID<TAB>start<TAB>end`; TC lines `ID<TAB>technique<TAB>start<TAB>end`.
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

from newsaudit.document import Document
from newsaudit.errors import InputError, ModelError
from newsaudit.evaluation.metrics import merge_spans, si_score, tc_score
from newsaudit.evaluation.runner import analyse_all, progress, read_text
from newsaudit.evaluation.splits import ptc_is_dev
from newsaudit.settings import Settings

_ARTICLE = re.compile(r"^article([0-9]+)\.txt$")

Labeller = Callable[[str, list[tuple[int, int]]], list[tuple[str, float]]]


def list_articles(folder: Path) -> dict[str, Path]:
    """`article<ID>.txt` files of a folder, by ID, in numeric order."""
    if not folder.is_dir():
        raise InputError(f"{folder} is not a folder of article<ID>.txt files")
    found = {m.group(1): p for p in folder.iterdir() if (m := _ARTICLE.match(p.name)) and p.is_file()}
    if not found:
        raise InputError(f"no article<ID>.txt files in {folder}")
    return dict(sorted(found.items(), key=lambda kv: (len(kv[0]), kv[0])))


def _tab_lines(path: Path, what: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, tab-separated columns) of every non-blank line of a UTF-8 file."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {what} {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if line.strip():
            yield n, line.rstrip("\r").split("\t")


def read_labels(path: Path, *, with_technique: bool) -> list[tuple[str, str, int, int]]:
    """SI or TC label lines as (ID, technique, start, end); SI lines get technique ''."""
    rows = []
    for n, cols in _tab_lines(path, "labels"):
        try:
            if with_technique and len(cols) == 4:
                rows.append((cols[0], cols[1], int(cols[2]), int(cols[3])))
            elif not with_technique and len(cols) == 3:
                rows.append((cols[0], "", int(cols[1]), int(cols[2])))
            else:
                raise ValueError(f"{len(cols)} columns")
        except ValueError as exc:
            raise InputError(f"{path}:{n}: not a PTC label line ({exc})") from exc
    return rows


def read_template(path: Path) -> list[tuple[str, int, int]]:
    """A TC template: `ID<TAB>?<TAB>start<TAB>end` (any second column, ignored) or `ID<TAB>start<TAB>end` lines."""
    rows = []
    for n, cols in _tab_lines(path, "template"):
        if len(cols) not in (3, 4):
            raise InputError(f"{path}:{n}: expected 3 or 4 tab-separated columns, found {len(cols)}")
        try:
            start, end = int(cols[-2]), int(cols[-1])
        except ValueError as exc:
            raise InputError(f"{path}:{n}: start and end must be integers") from exc
        if not 0 <= start < end:
            raise InputError(f"{path}:{n}: span {start} {end} is empty or negative")
        rows.append((cols[0], start, end))
    return rows


def technique_spans(doc: Document) -> list[tuple[int, int]]:
    """SI prediction for one document: the union of its technique spans, merged."""
    return merge_spans((t.span.start, t.span.end) for t in doc.techniques)


def predict_si(
    articles: dict[str, Path], settings: Settings, *, show_progress: bool = True
) -> Iterator[tuple[str, int, int]]:
    """(ID, start, end) SI predictions for every article, in article order."""
    shown = progress(articles.items(), "span identification", len(articles), show=show_progress)
    for (article_id, _), doc in analyse_all(shown, lambda item: read_text(item[1]), settings):
        for start, end in technique_spans(doc):
            yield article_id, start, end


def technique_labeller(settings: Settings) -> Labeller:
    """`newsaudit.analysis.techniques.label_spans`, or a one-line error if the technique model is unavailable."""
    if not settings.use_models:
        raise ModelError("technique classification needs the trained model; drop --no-models")
    try:
        from newsaudit.analysis.techniques import label_spans
        from newsaudit.models.audit_model import load_model
    except ImportError as exc:
        raise ModelError(f"the technique classifier is not available: {exc}") from exc
    return partial(label_spans, model=load_model(settings.model_dir))  # the configured model, not the default


def label_template(
    articles: dict[str, Path],
    template: list[tuple[str, int, int]],
    labeller: Labeller,
    *,
    show_progress: bool = True,
) -> list[tuple[str, str, int, int]]:
    """(ID, technique, start, end) for every template line, in template order (one labeller call per article)."""
    by_article: dict[str, list[int]] = {}
    for i, (article_id, _, _) in enumerate(template):
        by_article.setdefault(article_id, []).append(i)
    out: list[tuple[str, str, int, int] | None] = [None] * len(template)
    for article_id, rows in progress(
        by_article.items(), "technique classification", len(by_article), show=show_progress
    ):
        if article_id not in articles:
            raise InputError(f"the template names article {article_id}, but there is no article{article_id}.txt")
        text = read_text(articles[article_id])
        spans = [(template[i][1], template[i][2]) for i in rows]
        for start, end in spans:
            if end > len(text):
                raise InputError(f"template span {start} {end} is beyond the end of article{article_id}.txt")
        labels = labeller(text, spans)
        if len(labels) != len(spans):
            raise ModelError(f"the technique classifier returned {len(labels)} labels for {len(spans)} spans")
        for i, (start, end), (technique, _) in zip(rows, spans, labels, strict=True):
            out[i] = (article_id, technique, start, end)
    return [row for row in out if row is not None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--split", choices=["dev", "train", "all"], default="dev", help="our split (default dev)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N articles (0: all)")
    parser.add_argument("--no-tc", action="store_true", help="skip technique classification")


def evaluate(args: argparse.Namespace, settings: Settings) -> dict[str, Any]:
    """SI P/R/F1 from the pipeline's technique spans; TC micro-F1 from label_spans on the gold spans."""
    root = Path(args.data) / "ptc" / "train"
    articles = {
        k: p
        for k, p in list_articles(root / "articles").items()
        if args.split == "all" or ptc_is_dev(k) == (args.split == "dev")
    }
    if args.limit:
        articles = dict(list(articles.items())[: args.limit])
    gold_si: dict[str, list[tuple[int, int]]] = {k: [] for k in articles}
    gold_tc: dict[str, list[tuple[str, int, int]]] = {k: [] for k in articles}
    for k in articles:
        si_path = root / "labels-task-si" / f"article{k}.task-si.labels"
        tc_path = root / "labels-task-flc-tc" / f"article{k}.task-flc-tc.labels"
        gold_si[k] = [(s, e) for _, _, s, e in read_labels(si_path, with_technique=False)]
        gold_tc[k] = [(t, s, e) for _, t, s, e in read_labels(tc_path, with_technique=True)]

    t0 = time.perf_counter()
    predicted: dict[str, list[tuple[int, int]]] = {k: [] for k in articles}
    for k, s, e in predict_si(articles, settings):
        predicted[k].append((s, e))
    si_seconds = time.perf_counter() - t0
    si = si_score(predicted, gold_si)
    result: dict[str, Any] = {
        "split": args.split,
        "articles": len(articles),
        "si": {**si.as_dict(), "predicted_spans": int(si.p_den), "gold_spans": int(si.r_den)},
        "si_seconds": round(si_seconds, 2),
    }
    if args.no_tc:
        return result
    try:
        labeller = technique_labeller(settings)
    except ModelError as exc:
        result["tc"] = f"skipped: {exc}"
        return result
    template = [(k, s, e) for k in articles for _, s, e in gold_tc[k]]
    t0 = time.perf_counter()
    labelled = label_template(articles, template, labeller)
    tc = tc_score(
        (((k, s, e), t) for k, t, s, e in labelled),
        (((k, s, e), t) for k in articles for t, s, e in gold_tc[k]),
    )
    result["tc"] = {"micro_f1": tc.micro.f1, "precision": tc.micro.precision, "recall": tc.micro.recall}
    result["tc_seconds"] = round(time.perf_counter() - t0, 2)
    result["tc_per_technique_f1"] = {name: r.f1 for name, r in tc.per_label.items()}
    return result
