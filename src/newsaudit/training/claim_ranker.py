"""Fit the claim-matching ranker (fusion, or pointwise/pairwise logistic regression over features) on train only.

    python -m newsaudit.training.claim_ranker --data ../shared/data --out src/newsaudit/models/claim-ranker/ranker.json

Candidates come from the hybrid index (BM25 and MiniLM, top-N each); the method (the tuned BM25/cosine fusion, the
same fusion with sentence MaxSim and the date bonus ("fusion+views"), or a logistic re-ranker), its regularisation
strength and weights are chosen by 5-fold cross-validation over train queries (MAP@5), on CheckThat! 2020 Task 2
train only. Dev is not read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from newsaudit.evaluation.checkthat import ranking_metrics
from newsaudit.matching.clean import query_date
from newsaudit.matching.index import claim_key
from newsaudit.matching.ranker import FEATURES, Ranker, candidate_features


def collect(index, queries, qrels):  # type: ignore[no-untyped-def]
    """Per query: (query id, candidate ids, feature matrix [n, F], labels [n], candidate texts, duplicate groups).

    Every feature is computed as search computes it (`ClaimIndex.query_vectors`), the sentence vectors (`dense_sent`)
    and the attribution date (`date_match`) included, whatever the index's own ranker uses."""
    texts = [index.prepare_query(t) for _, t in queries]
    qvecs, sentence_vecs = index.query_vectors(texts)  # as search: sentences pooled from the query's encoder pass
    groups = []
    for (qid, raw), text, qv, sv in zip(queries, texts, qvecs, sentence_vecs, strict=True):
        pos, scores = index.candidates(text, qv, sv)
        cand_texts = [index.texts[p] for p in pos]
        feats = candidate_features(text, cand_texts, [index.titles[p] for p in pos], scores, query_date=query_date(raw))
        x = np.stack([feats[f] for f in FEATURES], axis=1)
        ids = [index.ids[p] for p in pos]
        y = np.array([1 if i in qrels.get(qid, set()) else 0 for i in ids])
        keys: dict[tuple[str, ...], int] = {}
        dup = np.array([keys.setdefault(claim_key(t), len(keys)) for t in cand_texts], dtype=np.int64)
        groups.append((qid, ids, x, y, cand_texts, dup))
    return groups


def map5(groups, scorer, qrels) -> float:  # type: ignore[no-untyped-def]
    """MAP@5 of `scorer` over the groups; copies of one claim share their best score (as `share_duplicate_scores`)."""
    run = {}
    for qid, ids, x, _, _, dup in groups:
        best = np.full(int(dup.max()) + 1 if len(dup) else 0, -np.inf)
        s = np.asarray(scorer(x), dtype=np.float64)
        np.maximum.at(best, dup, s)
        run[qid] = [ids[j] for j in np.argsort(-best[dup], kind="stable")[:5]]
    return ranking_metrics(run, {q: qrels[q] for q, *_ in groups if q in qrels}, depths=(5,))["MAP@5"]


def fit_lr(groups, c: float):  # type: ignore[no-untyped-def]
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([g[2] for g in groups])
    y = np.concatenate([g[3] for g in groups])
    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced").fit(scaler.transform(x), y)
    w = lr.coef_[0] / scaler.scale_
    b = float(lr.intercept_[0] - np.sum(lr.coef_[0] * scaler.mean_ / scaler.scale_))
    return w, b


def fit_pairwise(groups, c: float, max_negatives: int = 30):  # type: ignore[no-untyped-def]
    """RankNet-style logistic regression on (positive - negative) feature differences of the same query."""
    from sklearn.linear_model import LogisticRegression

    col = {f: i for i, f in enumerate(FEATURES)}
    diffs = []
    for g in groups:
        x, y = g[2], g[3]
        if not y.any() or y.all():
            continue
        neg = x[y == 0]
        hard = np.argsort(-(0.2 * neg[:, col["bm25_norm"]] + 0.8 * neg[:, col["dense_max"]]))[:max_negatives]
        diffs.extend(p - neg[hard] for p in x[y == 1])
    d = np.vstack(diffs)
    scale = np.clip(d.std(axis=0), 1e-6, None)
    xs = np.vstack([d / scale, -d / scale])
    ys = np.r_[np.ones(len(d)), np.zeros(len(d))]
    lr = LogisticRegression(C=c, fit_intercept=False, max_iter=3000).fit(xs, ys)
    return lr.coef_[0] / scale, 0.0


def fit_fusion(groups, c: float = 0.0):  # type: ignore[no-untyped-def]
    """The untrained hybrid as a candidate: w x BM25 + (1 - w) x cosine, w picked on `groups` (c is unused)."""
    col = {f: i for i, f in enumerate(FEATURES)}
    qrels = {g[0]: {i for i, y in zip(g[1], g[3], strict=True) if y} for g in groups}
    best = max(
        np.linspace(0, 1, 21),
        key=lambda w: map5(groups, lambda x: w * x[:, col["bm25_norm"]] + (1 - w) * x[:, col["dense_max"]], qrels),
    )
    w = np.zeros(len(FEATURES))
    w[col["bm25_norm"]], w[col["dense_max"]] = best, 1 - best
    return w, 0.0


RANKER_NAMES = {"fusion": "claim-ranker-fusion-v2", "fusion+views": "claim-ranker-views-v4"}
VIEW_GRID = [
    (w, a, c)
    for w in (0.2, 0.25, 0.3)
    for a in (0.0, 0.2, 0.3, 0.4, 0.5)
    for c in (0.0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3)
]


def views_score(x: np.ndarray, w: float, a: float, c: float) -> np.ndarray:
    """w x BM25 + (1 - w) x ((1 - a) x whole-query cosine + a x best sentence cosine) + c x date match."""
    col = {f: i for i, f in enumerate(FEATURES)}
    dense = (1 - a) * x[:, col["dense_max"]] + a * x[:, col["dense_sent"]]
    return w * x[:, col["bm25_norm"]] + (1 - w) * dense + c * x[:, col["date_match"]]


def fit_views(groups, c: float = 0.0):  # type: ignore[no-untyped-def]
    """The fusion plus sentence MaxSim and the date bonus, its three weights picked on `groups` from VIEW_GRID."""
    col = {f: i for i, f in enumerate(FEATURES)}
    qrels = {g[0]: {i for i, y in zip(g[1], g[3], strict=True) if y} for g in groups}
    w, a, bonus = max(VIEW_GRID, key=lambda p: map5(groups, lambda x: views_score(x, *p), qrels))
    out = np.zeros(len(FEATURES))
    out[col["bm25_norm"]] = w
    out[col["dense_max"]] = (1 - w) * (1 - a)
    out[col["dense_sent"]] = (1 - w) * a
    out[col["date_match"]] = bonus
    return out, 0.0


def main() -> None:
    from newsaudit.evaluation.checkthat import build_checkthat_index
    from newsaudit.matching.checkthat import read_qrels, read_queries

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/newsaudit-cache"))
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    ns = argparse.Namespace(
        data=args.data,
        model=args.model,
        ranker="fusion",
        no_titles=False,
        no_clean=False,
        candidates=args.candidates,
        cache=args.cache,
        no_cache=False,
    )
    index = build_checkthat_index(ns)
    root = args.data / "checkthat2020-t2" / "train"
    queries = read_queries(root / "tweets.queries.tsv")
    qrels = read_qrels(root / "tweet-vclaim-pairs.qrels")
    groups = collect(index, queries, qrels)
    save = getattr(index.embedder, "save", None)
    if callable(save):
        save()
    coverage = np.mean([g[3].any() for g in groups])
    print(f"{len(groups)} train queries; gold among candidates for {coverage:.3f}")

    col = {f: i for i, f in enumerate(FEATURES)}
    fusion = {}
    for w in np.linspace(0, 1, 21):
        fusion[round(float(w), 2)] = map5(
            groups, lambda x, w=w: w * x[:, col["bm25_norm"]] + (1 - w) * x[:, col["dense_max"]], qrels
        )
    best_w = max(fusion, key=fusion.get)  # type: ignore[arg-type]
    print(f"fusion on train: best weight {best_w} MAP@5 {fusion[best_w]:.4f}")

    rng = np.random.default_rng(0)
    fold_of = rng.permutation(len(groups)) % args.folds
    fitters = {
        "fusion": fit_fusion,
        "fusion+views": fit_views,
        "pointwise": lambda gs, c: fit_lr(gs, c),
        "pairwise-10": lambda gs, c: fit_pairwise(gs, c, 10),
        "pairwise-30": lambda gs, c: fit_pairwise(gs, c, 30),
    }
    cv = {}
    for method, fit in fitters.items():
        for c in (0.0,) if method.startswith("fusion") else (0.01, 0.1, 1.0):
            scores = []
            for f in range(args.folds):
                train = [g for g, k in zip(groups, fold_of, strict=True) if k != f]
                test = [g for g, k in zip(groups, fold_of, strict=True) if k == f]
                w, b = fit(train, c)
                scores.append(map5(test, lambda x, w=w, b=b: x @ w + b, qrels))
            cv[(method, c)] = float(np.mean(scores))
            print(f"{method} C={c}: CV MAP@5 {cv[(method, c)]:.4f}")
    best_method, best_c = max(cv, key=cv.get)  # type: ignore[arg-type]
    w, b = fitters[best_method](groups, best_c)
    ranker = Ranker(
        {f: round(float(v), 6) for f, v in zip(FEATURES, w, strict=True) if v != 0.0},
        b,
        RANKER_NAMES.get(best_method, "claim-ranker-lr-v3"),
        {
            "trained_on": "CheckThat! 2020 Task 2 train (800 tweets), verified_claims.docs.tsv v3",
            "embedding_model": getattr(index.embedder, "model_id", None)
            or getattr(getattr(index.embedder, "embedder", None), "model_id", None),
            "tokenizer": "Snowball-stemmed BM25 tokens (newsaudit.matching.index.tokenize), k1 1.2, b 0.75",
            "candidates_per_channel": args.candidates,
            "sentence_vectors": "pooled from each query's own encoder pass (SentenceEmbedder.embed_with_spans)",
            "method": best_method,
            "C": best_c,
            "cv_map5_train": round(cv[(best_method, best_c)], 4),
            "fusion_best_weight_train": best_w,
            "fusion_map5_train": round(fusion[best_w], 4),
            "gold_candidate_coverage_train": round(float(coverage), 4),
        },
    )
    ranker.save(args.out)
    print(json.dumps(ranker.to_dict(), indent=2))


if __name__ == "__main__":
    main()
