"""Second fine-tuning stage: the shared encoder also learns ClaimBuster check-worthiness as a sentence classifier.

    python -m newsaudit.training.finetune_checkworthy --data ../shared/data --out src/newsaudit/models/newsaudit-encoder

Starts from the tagging fine-tune (`newsaudit.training.finetune`, its cached last epoch) and trains it further on
ClaimBuster sentences (mean-pooled word pieces -> one logit), so at run time the one encoder pass still feeds every
head. For an honest 4-fold CV each fold trains its own copy on the other three folds (threshold chosen on a held-out
tenth of them) and scores the fold; the shipped encoder is then trained the same way on all sentences. Each run's
result is cached, so a rerun resumes after the last finished one.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from newsaudit.evaluation.metrics import best_threshold, binary_f1
from newsaudit.evaluation.splits import claimbuster_fold
from newsaudit.training.data import load_claimbuster
from newsaudit.training.finetune import CACHE, FinetuneConfig, load_tokenizer, run_dir
from newsaudit.training.multitask import seed_everything

log = logging.getLogger("newsaudit.training.finetune_checkworthy")
HEAD_FILE = "checkworthiness.json"  # written next to the exported encoder; `newsaudit train` ships this head


@dataclass(frozen=True)
class CheckworthyConfig:
    """Every setting of the check-worthiness stage (written into checkworthiness.json)."""

    seed: int = 13
    epochs: int = 2
    lr: float = 4e-5
    head_lr: float = 1e-3
    warmup: float = 0.1
    batch_size: int = 32
    max_pieces: int = 64  # word pieces per sentence, [CLS] and [SEP] included
    val_share: float = 0.1  # of the training sentences, held out to choose the threshold
    keep_weight: float = 5.0  # weight of the mean squared change of the tagger's token states (0: let them drift)


def train_run(cfg: CheckworthyConfig, init: Path, data_dir: Path, fold: int | None, out: Path, threads: int) -> dict:  # type: ignore[type-arg]
    """Train on every fold but `fold` (all sentences when None); write the run's result (and weights) under `out`."""
    import torch
    from transformers import BertModel, get_linear_schedule_with_warmup

    done = out / "result.json"
    if done.exists():
        log.info("cached %s", out)
        return json.loads(done.read_text())
    torch.set_num_threads(threads)
    seed_everything(cfg.seed)
    tokenizer = load_tokenizer(init / "tokenizer.json")
    sentences = load_claimbuster(data_dir)
    ids = [tokenizer.encode(s.text, add_special_tokens=True).ids[: cfg.max_pieces] for s in sentences]
    for row in ids:  # a cut sentence still ends with [SEP], as at run time
        row[-1] = tokenizer.token_to_id("[SEP]")
    y = np.array([s.label for s in sentences], dtype=np.float32)
    folds = np.array([claimbuster_fold(s.id) for s in sentences])
    rng = np.random.default_rng(cfg.seed)
    pool = rng.permutation(np.flatnonzero(folds != fold) if fold is not None else np.arange(len(y)))
    n_val = int(len(pool) * cfg.val_share)
    val, train = pool[:n_val], pool[n_val:]
    test = np.flatnonzero(folds == fold) if fold is not None else np.zeros(0, dtype=np.int64)

    # no dropout: it would add its own noise to the state change being penalised
    off = {"hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0}
    encoder = BertModel.from_pretrained(str(init), add_pooling_layer=False, **off).train()
    tagger = BertModel.from_pretrained(str(init), add_pooling_layer=False).eval() if cfg.keep_weight else None
    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    opt = torch.optim.AdamW(
        [{"params": encoder.parameters(), "lr": cfg.lr}, {"params": head.parameters(), "lr": cfg.head_lr}],
        weight_decay=0.01,
    )
    per_epoch = (len(train) + cfg.batch_size - 1) // cfg.batch_size
    total = cfg.epochs * per_epoch
    sched = get_linear_schedule_with_warmup(opt, int(cfg.warmup * total), total)
    neg, pos = float((y[train] == 0).sum()), float((y[train] == 1).sum())
    pos_weight = torch.tensor((neg / pos) ** 0.5)

    def forward(idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits of the sentences and the mean squared change of their token states from the tagger's."""
        width = max(len(ids[i]) for i in idx)
        batch = torch.zeros(len(idx), width, dtype=torch.long)
        mask = torch.zeros(len(idx), width, dtype=torch.long)
        for r, i in enumerate(idx):
            batch[r, : len(ids[i])] = torch.tensor(ids[i])
            mask[r, : len(ids[i])] = 1
        states = encoder(input_ids=batch, attention_mask=mask).last_hidden_state
        inner = mask.clone()  # pool the word pieces only, as `AuditModel` pools a sentence's tokens
        inner[:, 0] = 0
        inner[torch.arange(len(idx)), mask.sum(1) - 1] = 0
        pooled = (states * inner[..., None]).sum(1) / inner.sum(1, keepdim=True).clamp(min=1)
        change = torch.zeros(())
        if tagger is not None and encoder.training:
            with torch.no_grad():
                before = tagger(input_ids=batch, attention_mask=mask).last_hidden_state
            change = (((states - before) ** 2).mean(-1) * mask).sum() / mask.sum()
        return head(pooled).squeeze(-1), change

    def logits(idx: np.ndarray) -> torch.Tensor:
        return forward(idx)[0]

    def predict(idx: np.ndarray) -> np.ndarray:
        encoder.eval()
        with torch.no_grad():
            out = [torch.sigmoid(logits(idx[b : b + 128])).numpy() for b in range(0, len(idx), 128)]
        encoder.train()
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    t0, seen = time.time(), 0
    for epoch in range(1, cfg.epochs + 1):
        order = rng.permutation(train)
        for b in range(0, len(order), cfg.batch_size):
            idx = order[b : b + cfg.batch_size]
            target = torch.tensor(y[idx])
            scores, change = forward(idx)
            loss = torch.nn.functional.binary_cross_entropy_with_logits(scores, target, pos_weight=pos_weight)
            loss = loss + cfg.keep_weight * change
            loss.backward()
            torch.nn.utils.clip_grad_norm_([*encoder.parameters(), *head.parameters()], 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            seen += sum(len(ids[i]) for i in idx)
            step = b // cfg.batch_size + 1
            if step % 50 == 0:
                rate = seen / (time.time() - t0)
                log.info(
                    "fold %s epoch %d batch %d/%d loss %.4f (state change %.4f), %.0f word pieces/s",
                    fold, epoch, step, per_epoch, float(loss.detach()), float(change.detach()), rate,
                )  # fmt: skip
    val_probs = predict(val)
    threshold, val_f1 = best_threshold(val_probs.tolist(), (y[val] == 1).tolist())
    result: dict = {"fold": fold, "threshold": round(float(threshold), 4), "val_f1": round(val_f1.f1, 4)}  # type: ignore[type-arg]
    if fold is not None:
        probs = predict(test)
        scored = binary_f1((probs >= threshold).tolist(), (y[test] == 1).tolist())
        result |= {k: round(getattr(scored, k), 4) for k in ("f1", "precision", "recall")}
        result |= {"ids": [sentences[i].id for i in test], "probs": [round(float(p), 5) for p in probs]}
        result |= {"val_ids": [sentences[i].id for i in val], "val_probs": [round(float(p), 5) for p in val_probs]}
    else:
        encoder.save_pretrained(str(out))
        result |= {
            "weight": head.weight.detach().numpy()[0].astype(float).round(7).tolist(),
            "bias": round(float(head.bias.detach()[0]), 7),
        }
    result["seconds"] = round(time.time() - t0)
    log.info("fold %s: %s", fold, {k: v for k, v in result.items() if not isinstance(v, list)})
    out.mkdir(parents=True, exist_ok=True)
    done.write_text(json.dumps(result))
    return result


def cross_validation(results: list[dict], gold: dict[str, bool]) -> dict:  # type: ignore[type-arg]
    """Fold F1s and the pooled P/R/F1 of the fold runs' out-of-fold predictions (`gold`: sentence id -> label)."""
    pred, truth = [], []
    for r in results:
        pred += [p >= r["threshold"] for p in r["probs"]]
        truth += [gold[i] for i in r["ids"]]
    pooled = binary_f1(pred, truth)
    fold_f1 = [r["f1"] for r in results]
    return {
        "fold_f1": fold_f1,
        "mean_f1": round(float(np.mean(fold_f1)), 4),
        "pooled": {k: round(getattr(pooled, k), 4) for k in ("precision", "recall", "f1")},
        "thresholds": [r["threshold"] for r in results],
    }


def choose_ngram_blend(results: list[dict], sentences: list, dim: int, c: float) -> dict:  # type: ignore[type-arg]
    """4-fold CV of the fine-tuned head mixed in logit space with a hashed n-gram tf-idf logistic regression.

    Per fold the n-gram model is fit on the fold run's training sentences, the mixing weight and threshold are
    chosen on its held-out tenth, then the n-gram model is refit on all of the fold's training part and the mix
    scores the fold. Returns the CV figures with the mean weight and threshold (what the shipped head uses).
    """
    from newsaudit.training.heads import _fit_ngram, _gram_counts, _ngram_logits, _sigmoid, choose_mix

    index = {s.id: i for i, s in enumerate(sentences)}
    y = np.array([s.label == 1 for s in sentences])
    counts = _gram_counts([s.text for s in sentences], dim)
    fold_of = np.array([claimbuster_fold(s.id) for s in sentences])

    def logit(p: list[float]) -> np.ndarray:
        q = np.clip(np.asarray(p, dtype=np.float64), 1e-6, 1 - 1e-6)
        return np.log(q) - np.log1p(-q)

    mixed = []
    for r in results:
        val = np.array([index[i] for i in r["val_ids"]])
        test = np.array([index[i] for i in r["ids"]])
        part = np.flatnonzero(fold_of != r["fold"])
        train = np.setdiff1d(part, val)
        gram_val = _ngram_logits(_fit_ngram(counts[train], y[train], c), counts[val])
        w, thr = choose_mix(gram_val, logit(r["val_probs"]), y[val])
        gram_test = _ngram_logits(_fit_ngram(counts[part], y[part], c), counts[test])
        probs = _sigmoid(w * gram_test + (1 - w) * logit(r["probs"]))
        scored = binary_f1((probs >= thr).tolist(), y[test].tolist())
        mixed.append({"ids": r["ids"], "probs": probs.tolist(), "threshold": thr, "f1": round(scored.f1, 4), "w": w})
    cv = cross_validation(mixed, {s.id: s.label == 1 for s in sentences})
    weights = [m["w"] for m in mixed]
    return cv | {
        "ngram_weights": weights,
        "ngram_weight": round(float(np.mean(weights)), 4),
        "threshold": round(float(np.mean(cv["thresholds"])), 4),
        "ngram_dim": dim,
        "ngram_c": c,
    }


CARD_HEADING = "## Stage 2: check-worthiness"


def append_card_section(out: Path, cfg: CheckworthyConfig, head: dict, final: dict) -> None:  # type: ignore[type-arg]
    """Add (or replace) this stage's section of the encoder's MODEL_CARD.md: data, settings, CV and command."""
    cv, blend = head["cv"], head.get("ngram")
    mix = (
        f"\n- Mixed in logit space with a hashed n-gram tf-idf logistic regression (weight and threshold chosen "
        f"per fold on the same held-out tenth; shipped: weight {blend['ngram_weight']}, "
        f"threshold {blend['threshold']}): "
        f"per-fold F1 {blend['fold_f1']}, mean **{blend['mean_f1']:.4f}**, pooled {blend['pooled']}. This mix ships."
        if blend
        else ""
    )
    card_path = out / "MODEL_CARD.md"
    card = card_path.read_text(encoding="utf-8") if card_path.exists() else "# newsaudit-encoder\n"
    card = card.split(CARD_HEADING)[0].rstrip() + "\n\n"
    card += f"""{CARD_HEADING}

The tagger above was then trained further as a ClaimBuster check-worthiness classifier (`kfold_25ncs.csv`, 2
classes): a linear layer on the mean of a sentence's word-piece states (at most {cfg.max_pieces} pieces), binary
cross-entropy with positive weight sqrt(negatives / positives), so the one encoder pass also scores check-worthiness
(the head ships in `{HEAD_FILE}` and, after `newsaudit train`, in the multi-task heads). This stage saw no PTC or
PolNeAR text; the multi-task heads are trained on the states of this final encoder.

- Settings: `{json.dumps(asdict(cfg))}`.
- 4-fold CV (shared folds `claimbuster_fold`; each fold trained its own copy of this stage from the same tagger on
  the other three folds, threshold chosen on a held-out tenth of them, then scored the fold): per-fold F1
  {cv["fold_f1"]}, mean **{cv["mean_f1"]:.4f}**, pooled {cv["pooled"]}.
- Shipped run: all {len(cv["fold_f1"])} folds, threshold {final["threshold"]} (held-out tenth F1 {final["val_f1"]}),
  {final["seconds"]} s on 2 CPU threads.{mix}

```
{head["command"]}
```
"""
    card_path.write_text(card, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, required=True, help="folder for model.onnx, tokenizer.json, card")
    parser.add_argument("--init", type=Path, help="tagging fine-tune checkpoint (default: its cached last epoch)")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ngram-dim", type=int, default=262144, help="n-gram buckets of the mixed-in head (0: none)")
    parser.add_argument("--ngram-c", type=float, default=4.0, help="inverse L2 strength of the n-gram head")
    for name, value in asdict(CheckworthyConfig()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cfg = CheckworthyConfig(**{k: getattr(args, k) for k in asdict(CheckworthyConfig())})
    stage1 = FinetuneConfig()
    init = args.init or run_dir(args.cache, stage1) / f"epoch-{stage1.epochs}"
    if not (init / "config.json").exists():
        raise SystemExit(f"error: no tagging fine-tune at {init}; run python -m newsaudit.training.finetune first")
    root = args.cache / f"checkworthy-{cfg.seed}-{cfg.epochs}-{cfg.lr}-{cfg.keep_weight}" / init.name
    final = train_run(cfg, init, args.data, None, root / "all", args.threads)
    folds = [train_run(cfg, init, args.data, k, root / f"fold-{k}", args.threads) for k in range(4)]
    sentences = load_claimbuster(args.data)
    cv = cross_validation(folds, {s.id: s.label == 1 for s in sentences})
    log.info("4-fold CV: %s", cv)
    blend = choose_ngram_blend(folds, sentences, args.ngram_dim, args.ngram_c) if args.ngram_dim else None
    if blend is not None:
        log.info("4-fold CV with the n-gram mix: %s", blend)
    from newsaudit.training.export import copy_tokenizer_files, export_encoder

    copy_tokenizer_files(init, root / "all")
    export_encoder(root / "all", args.out)
    command = "python -m newsaudit.training.finetune_checkworthy " + " ".join(
        shlex.quote(a) for a in (argv or sys.argv[1:])
    )
    head = {
        "config": asdict(cfg),
        "init": str(init),
        "weight": final["weight"],
        "bias": final["bias"],
        "threshold": final["threshold"],
        "cv": cv,
        "command": command,
    }
    if blend is not None and blend["mean_f1"] > cv["mean_f1"]:  # the mix ships only if it beats the head alone
        head |= {"ngram": blend, "threshold": blend["threshold"]}
    (args.out / HEAD_FILE).write_text(json.dumps(head) + "\n", encoding="utf-8")
    append_card_section(args.out, cfg, head, final)
    print(json.dumps({"encoder": str(args.out), "cv": cv}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
