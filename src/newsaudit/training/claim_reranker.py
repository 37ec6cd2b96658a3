"""Train a cross-encoder re-ranker for claim matching (tweet + verified claim read together) and export it to ONNX.

    python -m newsaudit.training.claim_reranker --data ../shared/data train
    python -m newsaudit.training.claim_reranker --data ../shared/data export --checkpoint .cache/claim-reranker/ckpt-e2

Initialised from all-MiniLM-L6-v2 (BertModel) with a mean-pooled linear head. Trained on CheckThat! 2020 Task 2 train
only: each fit tweet's gold claim against hard negatives from the shipped ClaimIndex's top `depth` candidates
(listwise softmax loss plus a pointwise BCE term that anchors the logits). A seeded share `holdout` of the train
tweets is never trained on: the mix weight and the re-ranking depth are chosen there. Dev is not read.
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

from newsaudit.matching.rerank import FORMAT, encode_pairs, mix_scores, pair_document
from newsaudit.training.claim_matcher import checkthat_index, negatives_for, split_train

log = logging.getLogger("newsaudit.training.claim_reranker")
CACHE = Path(".cache/claim-reranker")
WEIGHTS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0)
DEPTHS = (5, 10, 20)


@dataclass(frozen=True)
class RerankerConfig:
    """Every setting of one training run (written next to the model in config.json)."""

    seed: int = 13
    holdout: float = 0.2
    depth: int = 30
    eval_depth: int = 20
    epochs: int = 2
    lr: float = 4e-5
    head_lr: float = 1e-3
    batch_queries: int = 4
    negatives: int = 5
    top_negatives: int = 3
    max_length: int = 128
    warmup: float = 0.1
    bce_weight: float = 0.5
    augment: int = 0  # verified-claim title -> claim text groups added per epoch (0: tweets only)
    augment_pool: int = 3000
    init: str = ""  # a checkpoint folder to start from instead of the base MiniLM


# ---------------------------------------------------------------------------- data


def load_split(data: Path, seed: int, holdout: float) -> dict[str, Any]:
    """Train tweets, qrels, claims and the (fit, held-out) query ids (same split as training.claim_matcher)."""
    from newsaudit.matching.checkthat import read_qrels, read_queries, read_vclaims

    root = data / "checkthat2020-t2"
    queries = read_queries(root / "train" / "tweets.queries.tsv")
    qrels = read_qrels(root / "train" / "tweet-vclaim-pairs.qrels")
    claims = {it.id: it for it in read_vclaims(root / "verified_claims.docs.tsv")}
    fit, held = split_train([q for q, _ in queries], holdout, seed)
    return {"queries": queries, "qrels": qrels, "claims": claims, "fit": fit, "held": held}


def first_stage(data: Path, queries: list[tuple[str, str]], depth: int, cache: Path) -> dict[str, Any]:
    """Per tweet: its cleaned text and the shipped ClaimIndex's top `depth` as [claim id, fusion score] (cached)."""
    path = cache / f"candidates-train-d{depth}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    from newsaudit.matching.checkthat import rank_queries

    index = shipped_index(data)
    run = rank_queries(index, queries, depth)
    out = {
        "ranker": index.ranker.name,
        "cleaned": {q: index.prepare_query(t) for q, t in queries},
        "candidates": {q: [[h.id, round(h.score, 6)] for h in hits] for q, hits in run.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out), encoding="utf-8")
    return out


def title_stage(data: Path, claims: dict, cfg: RerankerConfig, cache: Path) -> dict[str, list[str]]:
    """Per verified claim in a seeded pool: the shipped index's top `depth` for its title as the query (cached).

    Title -> own text is a free paraphrase pair from the claim collection itself (no tweet is read)."""
    path = cache / f"title-candidates-n{cfg.augment_pool}-d{cfg.depth}-s{cfg.seed}.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    from newsaudit.matching.checkthat import rank_queries

    pool = sorted(c for c, it in claims.items() if it.title and it.title.strip() != it.text.strip())
    random.Random(cfg.seed).shuffle(pool)
    pool = pool[: cfg.augment_pool]
    run = rank_queries(shipped_index(data), [(c, claims[c].title) for c in pool], cfg.depth)
    out = {c: [h.id for h in hits] for c, hits in run.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out), encoding="utf-8")
    return out


def shipped_index(data: Path) -> Any:
    """The shipped first stage (fusion ranker, cached vectors) over the verified claims, without re-ranking."""
    return checkthat_index(data, "default", Path("/tmp/newsaudit-cache"))


def sample_group(negs: list[str], cfg: RerankerConfig, rng: random.Random) -> list[str]:
    """The `top_negatives` best-ranked negatives plus a random draw of the rest, `negatives` in all."""
    top = negs[: cfg.top_negatives]
    rest = negs[cfg.top_negatives :]
    return top + rng.sample(rest, min(cfg.negatives - len(top), len(rest)))


# ---------------------------------------------------------------------------- model


def build_model(base: Path) -> Any:
    """BertModel + dropout + linear head over mean-pooled token states: one logit per (query, claim) pair."""
    import torch
    from transformers import AutoModel

    class CrossEncoder(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(bert.config.hidden_size, 1)
            torch.nn.init.normal_(self.head.weight, std=0.02)
            torch.nn.init.zeros_(self.head.bias)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            m = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(self.dropout(pooled)).squeeze(-1)

    return CrossEncoder(AutoModel.from_pretrained(str(base)))


def torch_scores(model: Any, tokenizer: Any, pairs: list[tuple[str, str]], max_length: int, batch: int = 64) -> Any:
    """Logits for pairs with the torch model (eval mode, length-sorted batches) as a numpy array."""
    import torch

    model.eval()
    out = np.zeros(len(pairs), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    with torch.inference_mode():
        for b in range(0, len(order), batch):
            idx = order[b : b + batch]
            ids, mask, types = encode_pairs(tokenizer, [pairs[i] for i in idx], max_length)
            out[idx] = model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types)).numpy()
    return out


# ---------------------------------------------------------------------------- hold-out scoring


def holdout_pairs(split: dict[str, Any], stage: dict[str, Any], depth: int) -> list[tuple[str, str, str]]:
    """(query id, claim id, claim document) for the top `depth` candidates of every held-out tweet."""
    claims = split["claims"]
    out = []
    for qid, _ in split["queries"]:
        if qid in split["held"]:
            for cid, _ in stage["candidates"][qid][:depth]:
                out.append((qid, cid, pair_document(claims[cid].text, claims[cid].title)))
    return out


def grid(
    stage: dict[str, Any], logits: dict[str, dict[str, float]], qrels: dict, claims: dict, held: set[str]
) -> dict[str, Any]:
    """Held-out MAP@1/@5 for fusion alone, the cross-encoder alone and every (depth, weight) mix."""
    from newsaudit.evaluation.checkthat import ranking_metrics
    from newsaudit.matching.index import share_duplicate_scores

    judged = {q: qrels[q] for q in held if q in qrels}

    def run_for(depth: int, weight: float | None) -> dict[str, float]:
        run = {}
        for qid in judged:
            cands = stage["candidates"][qid]
            ids = [c for c, _ in cands]
            fusion = np.array([s for _, s in cands], dtype=np.float64)
            n = min(depth, len(ids))
            ce = np.array([logits[qid][c] for c in ids[:n]], dtype=np.float64)
            scores = fusion.copy()
            if weight is None:  # the cross-encoder alone orders the top n; the rest follow in fusion order
                scores[:n] = 1e3 + ce
            else:
                scores[:n] = mix_scores(fusion[:n], ce, weight)
            scores = share_duplicate_scores(scores, [claims[c].text for c in ids])
            run[qid] = [ids[j] for j in np.argsort(-scores, kind="stable")]
        m = ranking_metrics(run, judged, depths=(1, 5, 10))
        return {"MAP@1": round(m["MAP@1"], 4), "MAP@5": round(m["MAP@5"], 4), "recall@10": round(m["recall@10"], 4)}

    depth_max = min(len(next(iter(logits.values()))), max(DEPTHS)) if logits else 0
    out: dict[str, Any] = {"queries": len(judged), "fusion": run_for(1, 0.0), "mix": {}}
    for depth in sorted({min(d, depth_max) for d in DEPTHS}):
        out[f"ce_alone@{depth}"] = run_for(depth, None)
        for w in WEIGHTS[1:]:
            out["mix"][f"d{depth}_w{w:g}"] = run_for(depth, w)
    best = max(out["mix"].items(), key=lambda kv: (kv[1]["MAP@5"], kv[1]["MAP@1"]))
    out["best"] = {"setting": best[0], **best[1]}
    return out


def split_half_check(
    stage: dict[str, Any], logits: dict[str, dict[str, float]], qrels: dict, claims: dict, held: set[str], seed: int
) -> dict[str, Any]:
    """Choose (depth, weight) on one half of the hold-out and score it on the other, both ways: an honest figure."""
    halves = sorted(held)
    random.Random(seed + 1).shuffle(halves)
    a, b = set(halves[: len(halves) // 2]), set(halves[len(halves) // 2 :])
    out = {}
    for name, pick, score in (("a->b", a, b), ("b->a", b, a)):
        best = grid(stage, logits, qrels, claims, pick)["best"]["setting"]
        other = grid(stage, logits, qrels, claims, score)
        out[name] = {"chosen": best, "mix": other["mix"][best], "fusion": other["fusion"]}
    return out


# ---------------------------------------------------------------------------- training


def base_tokenizer(base: Path) -> Any:
    from tokenizers import Tokenizer

    return Tokenizer.from_file(str(base / "tokenizer.json"))


def train(args: argparse.Namespace, cfg: RerankerConfig) -> dict[str, Any]:
    """Fine-tune the cross-encoder; after every epoch save a checkpoint and score the held-out tweets."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    from newsaudit.training.export import base_model_dir

    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(args.threads)
    split = load_split(args.data, cfg.seed, cfg.holdout)
    qrels, claims = split["qrels"], split["claims"]
    stage = first_stage(args.data, split["queries"], cfg.depth, args.cache)
    base = args.base or base_model_dir()
    tokenizer = base_tokenizer(base)
    model = build_model(base)
    if cfg.init:
        model.load_state_dict(torch.load(Path(cfg.init) / "model.pt"))

    docs = {c: pair_document(it.text, it.title) for c, it in claims.items()}
    text_docs = {c: it.text for c, it in claims.items()}  # title queries: the title must not be in the document
    groups = []  # (query text, gold claim ids, negatives best first, documents)
    for qid, _ in split["queries"]:
        gold = [c for c in sorted(qrels.get(qid, ())) if c in claims]
        if qid in split["fit"] and gold:
            negs = negatives_for(qid, stage["candidates"][qid], qrels, claims)
            groups.append((stage["cleaned"][qid], gold, negs, docs))
    extra = []
    if cfg.augment:
        for cid, cands in title_stage(args.data, claims, cfg, args.cache).items():
            negs = negatives_for(cid, [[c, 0.0] for c in cands], {cid: {cid}}, claims)
            extra.append((claims[cid].title, [cid], negs, text_docs))
    held_pairs = holdout_pairs(split, stage, cfg.eval_depth)
    if args.limit:  # a smoke run: a few fit tweets, the first held-out ones
        groups = groups[: args.limit]
        keep = {q for q, _, _ in held_pairs[: args.limit * cfg.eval_depth]}
        held_pairs = [p for p in held_pairs if p[0] in keep]
        split["held"] = keep
    log.info("%d fit tweets, %d held-out pairs", len(groups), len(held_pairs))

    n_aug = min(cfg.augment, len(extra))
    steps = ((len(groups) + n_aug + cfg.batch_queries - 1) // cfg.batch_queries) * cfg.epochs
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": body, "lr": cfg.lr}, {"params": head, "lr": cfg.head_lr}], weight_decay=0.01)
    sched = get_linear_schedule_with_warmup(opt, int(cfg.warmup * steps), steps)
    rng = random.Random(cfg.seed)
    record: dict[str, Any] = {"config": asdict(cfg), "fit_tweets": len(groups), "epochs": []}
    for epoch in range(1, cfg.epochs + 1):
        model.train()
        order = groups + rng.sample(extra, n_aug)
        rng.shuffle(order)
        t0, losses, pieces = time.perf_counter(), [], 0
        for b in range(0, len(order), cfg.batch_queries):
            pairs, sizes = [], []
            for query, gold, negs, documents in order[b : b + cfg.batch_queries]:
                group = [rng.choice(gold), *sample_group(negs, cfg, rng)]
                pairs.extend((query, documents[c]) for c in group)
                sizes.append(len(group))
            ids, mask, types = encode_pairs(tokenizer, pairs, cfg.max_length)
            pieces += int(mask.sum())
            logits = model(torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types))
            loss = torch.zeros(())
            start = 0
            for size in sizes:
                g = logits[start : start + size]
                target = torch.zeros(size)
                target[0] = 1.0
                loss = loss + torch.nn.functional.cross_entropy(g[None], torch.zeros(1, dtype=torch.long))
                loss = loss + cfg.bce_weight * torch.nn.functional.binary_cross_entropy_with_logits(g, target)
                start += size
            loss = loss / len(sizes)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            losses.append(loss.item())
            if (b // cfg.batch_queries) % 20 == 0:
                rate = pieces / max(time.perf_counter() - t0, 1e-9)
                log.info(
                    "epoch %d step %d loss %.4f (%.0f word pieces/s)", epoch, b // cfg.batch_queries, losses[-1], rate
                )
        entry: dict[str, Any] = {"epoch": epoch, "loss": round(float(np.mean(losses)), 4)}
        entry["train_s"] = round(time.perf_counter() - t0, 1)
        ckpt = args.cache / f"ckpt-e{epoch}"
        ckpt.mkdir(parents=True, exist_ok=True)
        torch.save(model.state_dict(), ckpt / "model.pt")
        if held_pairs:  # --holdout 0 (the final run on every train tweet) has nothing to score
            t0 = time.perf_counter()
            pairs = [(stage["cleaned"][q], d) for q, _, d in held_pairs]
            scores = torch_scores(model, tokenizer, pairs, cfg.max_length)
            logits_by_q: dict[str, dict[str, float]] = {}
            for (qid, cid, _), s in zip(held_pairs, scores, strict=True):
                logits_by_q.setdefault(qid, {})[cid] = float(s)
            (ckpt / "holdout-logits.json").write_text(json.dumps(logits_by_q), encoding="utf-8")
            entry["score_s"] = round(time.perf_counter() - t0, 1)
            entry["holdout"] = grid(stage, logits_by_q, qrels, claims, split["held"])
            entry["holdout"].pop("mix")
        log.info("epoch %s", json.dumps(entry))
        record["epochs"].append(entry)
    return record


# ---------------------------------------------------------------------------- export


def export(args: argparse.Namespace, cfg: RerankerConfig) -> dict[str, Any]:
    """Export a checkpoint to ONNX (fp32 and int8), score the hold-out with the runtime, write the model folder."""
    import shutil

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from newsaudit.matching.rerank import CrossEncoderReranker
    from newsaudit.training.export import base_model_dir

    torch.set_num_threads(args.threads)
    base = args.base or base_model_dir()
    model = build_model(base)
    model.load_state_dict(torch.load(args.checkpoint / "model.pt"))
    model.eval()
    work = args.cache / "export"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    tokenizer = base_tokenizer(base)
    ids, mask, types = encode_pairs(tokenizer, [("a query", "a claim — its title"), ("b", "c")], cfg.max_length)
    fp32 = work / "model.fp32.onnx"
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        model,
        (torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(types)),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    int8 = work / "model.int8.onnx"
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)

    split = load_split(args.data, cfg.seed, cfg.holdout)
    half = work / "model.fp16w.onnx"
    halve_weights(fp32, half)
    files = {"fp32": fp32, "int8": int8, "fp16w": half}
    if not split["held"]:
        return export_unscored(args, cfg, base, files)
    stage = first_stage(args.data, split["queries"], cfg.depth, args.cache)
    held_pairs = holdout_pairs(split, stage, cfg.eval_depth)
    results: dict[str, Any] = {}
    for name, onnx_file in ((n, files[n]) for n in args.variants.split(",")):
        folder = work / name
        folder.mkdir()
        shutil.copy2(onnx_file, folder / "model.onnx")
        shutil.copy2(base / "tokenizer.json", folder / "tokenizer.json")
        (folder / "config.json").write_text(json.dumps({"format": FORMAT, "weight": 1.0, "depth": 1}))
        rr = CrossEncoderReranker(folder, threads=args.threads)
        t0 = time.perf_counter()
        scores = rr.score_pairs([(stage["cleaned"][q], d) for q, _, d in held_pairs])
        logits_by_q: dict[str, dict[str, float]] = {}
        for (qid, cid, _), s in zip(held_pairs, scores, strict=True):
            logits_by_q.setdefault(qid, {})[cid] = float(s)
        g = grid(stage, logits_by_q, split["qrels"], split["claims"], split["held"])
        results[name] = {
            "size_mb": round(onnx_file.stat().st_size / 2**20, 1),
            "score_s": round(time.perf_counter() - t0, 1),
            "holdout": g,
            "split_half": split_half_check(stage, logits_by_q, split["qrels"], split["claims"], split["held"], 13),
        }
        log.info("%s: %s", name, json.dumps({k: v for k, v in results[name].items() if k != "holdout"}))
        log.info("%s best %s fusion %s", name, g["best"], g["fusion"])
    # the hold-out's best for the precision asked for (int8 under "auto"), or for the only variant scored
    picked = args.precision if args.precision in results else "int8" if "int8" in results else next(iter(results))
    setting = args.setting or results[picked]["holdout"]["best"]["setting"]
    chosen = args.precision
    if chosen == "auto":  # int8 unless it costs more than 0.005 held-out MAP@5 at the chosen setting, else fp16w
        m5 = {n: r["holdout"]["mix"][setting]["MAP@5"] for n, r in results.items()}
        ref = m5.get("fp32", m5.get("fp16w", 0.0))
        chosen = "int8" if m5.get("int8", -1.0) >= ref - 0.005 else "fp16w"
    g = results[chosen]["holdout"]
    depth_s, weight_s = setting.split("_")
    depth, weight = int(depth_s[1:]), float(weight_s[1:])
    record = {
        "format": FORMAT,
        "name": "claim-reranker",
        "base": "sentence-transformers/all-MiniLM-L6-v2",
        "precision": chosen,
        "weight": weight,
        "depth": depth,
        "max_length": cfg.max_length,
        "mix": "fusion score + weight x sigmoid(logit) for the first-stage top `depth`",
        "checkpoint": str(args.checkpoint),
        "training": training_record(args.cache, cfg),
        "holdout": {
            "queries": g["queries"],
            "fusion": g["fusion"],
            "chosen": {"setting": setting, **g["mix"][setting]},
            **{k: v for k, v in g.items() if k.startswith("ce_alone")},
        },
        "split_half": results[chosen]["split_half"],
        "int8_vs_fp32": {
            n: {"size_mb": r["size_mb"], "best": r["holdout"]["best"], "chosen": r["holdout"]["mix"][setting]}
            for n, r in results.items()
        },
    }
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copy2(files[chosen], args.out / "model.onnx")
        shutil.copy2(base / "tokenizer.json", args.out / "tokenizer.json")
        (args.out / "config.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        log.info("wrote %s", args.out)
    (args.cache / "export-record.json").write_text(json.dumps({"record": record, "results": results}, indent=2))
    return record


def export_unscored(
    args: argparse.Namespace, cfg: RerankerConfig, base: Path, files: dict[str, Path]
) -> dict[str, Any]:
    """Write the model folder of a run with no hold-out (`--holdout 0`): depth, weight and precision as given."""
    import shutil

    if args.setting is None or args.precision == "auto":
        raise SystemExit("with --holdout 0 there is no hold-out to choose on: give --setting and --precision")
    depth_s, weight_s = args.setting.split("_")
    record = {
        "format": FORMAT,
        "name": "claim-reranker",
        "base": "sentence-transformers/all-MiniLM-L6-v2",
        "precision": args.precision,
        "weight": float(weight_s[1:]),
        "depth": int(depth_s[1:]),
        "max_length": cfg.max_length,
        "mix": "fusion score + weight x sigmoid(logit) for the first-stage top `depth`",
        "checkpoint": str(args.checkpoint),
        "training": training_record(args.cache, cfg),
        "holdout": None,
    }
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copy2(files[args.precision], args.out / "model.onnx")
        shutil.copy2(base / "tokenizer.json", args.out / "tokenizer.json")
        (args.out / "config.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        log.info("wrote %s", args.out)
    return record


def halve_weights(src: Path, dst: Path) -> None:
    """Store a float32 ONNX model's large weights as float16, each cast back to float32 in the graph: half the file,
    float32 arithmetic (onnxruntime folds the casts when it loads the model)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    casts, keep = [], []
    for init in graph.initializer:
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= 1024:
            arr = numpy_helper.to_array(init).astype(np.float16)
            keep.append(numpy_helper.from_array(arr, init.name + "__fp16"))
            casts.append(helper.make_node("Cast", [init.name + "__fp16"], [init.name], to=TensorProto.FLOAT))
        else:
            keep.append(init)
    del graph.initializer[:]
    graph.initializer.extend(keep)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def training_record(cache: Path, cfg: RerankerConfig) -> dict[str, Any]:
    """The settings of the last training run logged in `cache` (else the export's own, which share the split)."""
    runs = cache / "runs.jsonl"
    if runs.exists():
        lines = runs.read_text(encoding="utf-8").splitlines()
        if lines:
            return json.loads(lines[-1])["config"]
    return asdict(cfg)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--base", type=Path, default=None, help="HF model folder (default: bundled all-MiniLM-L6-v2)")
    parser.add_argument("--cache", type=Path, default=CACHE, help="candidates, checkpoints, scores (git-ignored)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="smoke run: train on this many tweets only")
    for f, default in asdict(RerankerConfig()).items():
        parser.add_argument("--" + f.replace("_", "-"), type=type(default), default=default)
    sub = parser.add_subparsers(dest="step", required=True)
    sub.add_parser("train", help="fine-tune, saving a checkpoint and held-out scores after every epoch")
    ex = sub.add_parser("export", help="export a checkpoint to ONNX and choose depth/weight on the hold-out")
    ex.add_argument("--checkpoint", type=Path, required=True)
    ex.add_argument("--out", type=Path, default=None, help="model folder to write (omit to only score)")
    ex.add_argument("--precision", choices=["auto", "int8", "fp32", "fp16w"], default="auto")
    ex.add_argument("--variants", default="fp32,int8,fp16w", help="which exports to score on the hold-out")
    ex.add_argument("--setting", default=None, help="'dDEPTH_wWEIGHT' (default: best on the hold-out)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    cfg = replace(RerankerConfig(), **{f: getattr(args, f) for f in asdict(RerankerConfig())})
    record = train(args, cfg) if args.step == "train" else export(args, cfg)
    print(json.dumps(record, indent=2))
    if args.step == "train":
        with (args.cache / "runs.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
