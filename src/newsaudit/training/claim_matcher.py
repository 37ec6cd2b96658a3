"""Fine-tune all-MiniLM-L6-v2 as a bi-encoder for claim matching (tweet -> verified claim) and export it as int8 ONNX.

    python -m newsaudit.training.claim_matcher --data ../shared/data --out src/newsaudit/models/claim-matcher

Trained on CheckThat! 2020 Task 2 train only: in-batch negatives (MultipleNegativesRankingLoss) plus one hard
negative per pair, mined from the BM25 ranking (top 20, gold and its copies excluded). `--holdout F` keeps a seeded
share F of the train tweets out of training and scores them after every epoch (how epochs and lr are chosen); dev is
not read.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.matching.clean import clean_query
from newsaudit.matching.index import claim_key  # copies of one claim are never each other's negatives

log = logging.getLogger("newsaudit.training.claim_matcher")
CACHE = Path(".cache/claim-matcher")


@dataclass(frozen=True)
class MatcherConfig:
    """Every setting of one training run (written next to the model as config.json)."""

    seed: int = 13
    epochs: int = 2
    lr: float = 2e-5
    batch_size: int = 32
    max_length: int = 64
    scale: float = 20.0
    warmup: float = 0.1
    hard_negatives: int = 1
    negative_depth: int = 20
    title_share: float = 0.5
    holdout: float = 0.0


class TorchEmbedder:
    """Mean-pooled unit vectors from a Hugging Face encoder in torch (the same recipe as SentenceEmbedder)."""

    def __init__(self, model: Any, tokenizer: Any, max_length: int = 128, batch_size: int = 128) -> None:
        self.model, self.tokenizer, self.max_length, self.batch_size = model, tokenizer, max_length, batch_size

    def forward(self, texts: list[str], max_length: int) -> Any:
        import torch

        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
        hidden = self.model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def embed(self, texts: list[str]) -> np.ndarray:
        import torch

        self.model.eval()
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.model.config.hidden_size), dtype=np.float32)
        with torch.inference_mode():
            for b in range(0, len(order), self.batch_size):
                idx = order[b : b + self.batch_size]
                out[idx] = self.forward([texts[i] for i in idx], self.max_length).numpy()
        return out


def split_train(qids: list[str], holdout: float, seed: int) -> tuple[set[str], set[str]]:
    """(fit, held-out) query ids: a seeded random share `holdout` of the train tweets is held out."""
    rng = random.Random(seed)
    shuffled = sorted(qids)
    rng.shuffle(shuffled)
    n_out = round(len(shuffled) * holdout)
    return set(shuffled[n_out:]), set(shuffled[:n_out])


def base_index(data: Path, cache: Path) -> Any:
    """The BM25 ClaimIndex over the verified claims (text + title): the cheap first stage that mines negatives."""
    return checkthat_index(data, "bm25", cache / "vectors")


def checkthat_index(data: Path, ranker: str, cache: Path) -> Any:
    """The ClaimIndex over the CheckThat! verified claims with `ranker`, vectors cached under `cache`, no re-ranker."""
    from newsaudit.evaluation.checkthat import build_checkthat_index

    ns = argparse.Namespace(
        data=data,
        model=None,
        ranker=ranker,
        no_titles=False,
        no_clean=False,
        candidates=None,
        cache=cache,
        no_cache=False,
        reranker="none",
    )
    return build_checkthat_index(ns)


def mine_candidates(index: Any, queries: list[tuple[str, str]], depth: int) -> dict[str, list[list[Any]]]:
    """Per query: the BM25 ranking's top `depth` as [claim id, normalised BM25] pairs."""
    from newsaudit.matching.checkthat import rank_queries

    run = rank_queries(index, queries, depth)
    return {qid: [[h.id, round(h.components.get("bm25_norm", 0.0), 6)] for h in hits] for qid, hits in run.items()}


def negatives_for(qid: str, cands: list[list[Any]], qrels: dict[str, set[str]], claims: dict) -> list[str]:
    """A query's candidates ([claim id, score] pairs), best first, that are neither gold nor a copy of a gold claim."""
    gold = qrels.get(qid, set())
    keys = {claim_key(claims[c].text) for c in gold if c in claims}
    return [c for c, _ in cands if c not in gold and claim_key(claims[c].text) not in keys]


def hard_negatives(candidates: dict, qrels: dict[str, set[str]], claims: dict, depth: int) -> dict[str, list[str]]:
    """Per query: its top `depth` candidates that are neither gold nor a copy of a gold claim."""
    return {qid: negatives_for(qid, cands, qrels, claims)[:depth] for qid, cands in candidates.items()}


def score_pool(
    embedder: Any, held: list[tuple[str, str]], candidates: dict, qrels: dict, claims: dict, pool: int
) -> dict[str, float]:
    """Held-out MAP@5 from re-ranking each tweet's top `pool` BM25 candidates by the model's cosine (best of text and
    title), alone and fused with BM25; cheap enough to run every epoch (gold outside the pool counts as a miss)."""
    from newsaudit.evaluation.checkthat import ranking_metrics
    from newsaudit.matching.index import share_duplicate_scores

    cands = {q: candidates[q][:pool] for q, _ in held}
    ids = sorted({c for cs in cands.values() for c, _ in cs})
    texts = [claims[c].text for c in ids] + [claims[c].title or claims[c].text for c in ids]
    vecs = embedder.embed(texts)
    row = {c: i for i, c in enumerate(ids)}
    qvecs = embedder.embed([clean_query(t) or t for _, t in held])
    judged = {q: qrels[q] for q, _ in held if q in qrels}
    out = {}
    for w in (0.0, 0.1, 0.2, 0.3):
        run = {}
        for (qid, _), qv in zip(held, qvecs, strict=True):
            cs = cands[qid]
            rows = np.array([row[c] for c, _ in cs], dtype=np.int64)
            dense = np.maximum(vecs[rows] @ qv, vecs[rows + len(ids)] @ qv)
            score = w * np.array([b for _, b in cs]) + (1 - w) * dense
            score = share_duplicate_scores(score, [claims[c].text for c, _ in cs])
            run[qid] = [cs[j][0] for j in np.argsort(-score, kind="stable")]
        m = ranking_metrics(run, judged, depths=(1, 5))
        out["dense MAP@5" if w == 0 else f"fusion:{w} MAP@5"] = round(m["MAP@5"], 4)
    return out


def train(args: argparse.Namespace, cfg: MatcherConfig) -> dict[str, Any]:
    """Fine-tune, scoring the held-out tweets after each epoch; returns the run's record (config, metrics)."""
    import torch
    from transformers import AutoModel, AutoTokenizer, get_linear_schedule_with_warmup

    from newsaudit.matching.checkthat import read_qrels, read_queries, read_vclaims
    from newsaudit.training.export import base_model_dir

    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(args.threads)
    root = args.data / "checkthat2020-t2"
    queries = read_queries(root / "train" / "tweets.queries.tsv")
    qrels = read_qrels(root / "train" / "tweet-vclaim-pairs.qrels")
    claims = {it.id: it for it in read_vclaims(root / "verified_claims.docs.tsv")}
    fit_ids, held_ids = split_train([q for q, _ in queries], cfg.holdout, cfg.seed)
    held = [(q, t) for q, t in queries if q in held_ids]

    cand_file = args.cache / "bm25-candidates-train.json"  # the BM25 ranking of the train tweets
    if cand_file.exists():
        candidates = json.loads(cand_file.read_text())
    else:
        candidates = mine_candidates(base_index(args.data, args.cache), queries, 50)
        cand_file.parent.mkdir(parents=True, exist_ok=True)
        cand_file.write_text(json.dumps(candidates))
    negatives = hard_negatives(candidates, qrels, claims, cfg.negative_depth)

    cleaned = {q: clean_query(t) or t for q, t in queries}
    pairs = [(q, c) for q, _ in queries if q in fit_ids for c in sorted(qrels.get(q, ())) if c in claims]
    log.info("%d training pairs, %d held-out tweets", len(pairs), len(held))

    base = args.base or base_model_dir()
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    model = AutoModel.from_pretrained(str(base))
    embedder = TorchEmbedder(model, tokenizer)
    record: dict[str, Any] = {"config": asdict(cfg), "pairs": len(pairs), "epochs": []}
    if held and args.eval_base:
        record["base"] = score_pool(embedder, held, candidates, qrels, claims, args.pool)
        log.info("held-out, base model: %s", record["base"])

    steps_per_epoch = (len(pairs) + cfg.batch_size - 1) // cfg.batch_size
    total = steps_per_epoch * cfg.epochs
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(cfg.warmup * total), total)
    rng = random.Random(cfg.seed)

    def doc_text(cid: str) -> str:
        item = claims[cid]
        return item.title if item.title and rng.random() < cfg.title_share else item.text

    for epoch in range(cfg.epochs):
        model.train()
        order = pairs[:]
        rng.shuffle(order)
        t0, losses = time.perf_counter(), []
        for b in range(0, len(order), cfg.batch_size):
            batch = order[b : b + cfg.batch_size]
            q_texts = [cleaned[q] for q, _ in batch]
            docs = [doc_text(c) for _, c in batch]
            doc_ids = [c for _, c in batch]
            for q, _ in batch:
                pool = negatives.get(q, [])
                for cid in rng.sample(pool, min(cfg.hard_negatives, len(pool))):
                    docs.append(doc_text(cid))
                    doc_ids.append(cid)
            q_vec = embedder.forward(q_texts, cfg.max_length)
            d_vec = embedder.forward(docs, cfg.max_length)
            scores = cfg.scale * q_vec @ d_vec.T
            # another pair's positive that is also gold (or a copy of gold) for this query is no negative
            gold_keys = [{claim_key(claims[c].text) for c in qrels.get(q, ())} for q, _ in batch]
            mask = torch.zeros_like(scores, dtype=torch.bool)
            for i in range(len(batch)):
                for j, cid in enumerate(doc_ids):
                    if j != i and claim_key(claims[cid].text) in gold_keys[i]:
                        mask[i, j] = True
            scores = scores.masked_fill(mask, -1e4)
            loss = torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
        entry: dict[str, Any] = {"epoch": epoch + 1, "loss": round(float(np.mean(losses)), 4)}
        entry["train_s"] = round(time.perf_counter() - t0, 1)
        if held and (args.eval_every or epoch == cfg.epochs - 1):
            entry["holdout"] = score_pool(embedder, held, candidates, qrels, claims, args.pool)
        log.info("epoch %s", entry)
        record["epochs"].append(entry)
    model.eval()
    record["model"] = model
    record["tokenizer"] = tokenizer
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=None, help="write the int8 ONNX model here (omit to only score)")
    parser.add_argument("--base", type=Path, default=None, help="HF model folder (default: bundled all-MiniLM-L6-v2)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="negatives and vectors cache (git-ignored)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pool", type=int, default=20, help="held-out scoring re-ranks each tweet's top POOL")
    parser.add_argument("--eval-base", action="store_true", help="also score the base model on the held-out tweets")
    parser.add_argument("--eval-every", action="store_true", help="score the held-out tweets after every epoch")
    parser.add_argument("--log", type=Path, default=None, help="append the run record (JSON line) here")
    for f, default in asdict(MatcherConfig()).items():
        parser.add_argument("--" + f.replace("_", "-"), type=type(default), default=default)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    cfg = replace(MatcherConfig(), **{f: getattr(args, f) for f in asdict(MatcherConfig())})
    record = train(args, cfg)
    model, tokenizer = record.pop("model"), record.pop("tokenizer")
    print(json.dumps(record, indent=2))
    if args.log:
        with args.log.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
    if args.out:
        from newsaudit.training.export import base_model_dir, export_encoder

        hf_dir = args.cache / f"hf-seed{cfg.seed}"
        model.save_pretrained(str(hf_dir))
        tokenizer.save_pretrained(str(hf_dir))
        base_tok = (args.base or base_model_dir()) / "tokenizer.json"
        if base_tok.exists():  # the exact base tokenizer, not a re-serialised one
            (hf_dir / "tokenizer.json").write_bytes(base_tok.read_bytes())
        export_encoder(hf_dir, args.out)
        meta = {"name": "claim-matcher", "base": "sentence-transformers/all-MiniLM-L6-v2", **record}
        (args.out / "config.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
