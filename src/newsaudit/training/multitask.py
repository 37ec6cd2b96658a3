"""Multi-task fine-tuning: frozen cached lower layers, trainable top layers, technique / role / span-class heads."""

from __future__ import annotations

import copy
import logging
import math
import random
import time
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from newsaudit.analysis.labels import PTC_TECHNIQUES
from newsaudit.errors import InputError
from newsaudit.evaluation.splits import bucket, polnear_is_tune, ptc_is_dev
from newsaudit.training.features import IGNORE, N_ROLE_TAGS, N_TECH, Chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """The `[train]` table of a config file; every run is seeded by `seed`."""

    seed: int = 13
    name: str = "newsaudit-multitask"
    frozen_layers: int = 4
    window: int = 254
    train_stride: int = 224
    runtime_stride: int = 224
    polnear_fraction: float = 0.1
    epochs: int = 12
    batch_size: int = 16
    lr_encoder: float = 5e-5
    lr_heads: float = 2e-3
    hidden: int = 128
    adapter: str = "conv"
    cw_heads: tuple[str, ...] = ("logistic", "mlp")
    warmup: float = 0.06
    max_pos_weight: float = 8.0
    role_loss_weight: float = 1.0
    tc_loss_weight: float = 1.0
    quantize: bool = True
    max_chunks: int = 0  # 0 = all; small values make smoke runs

    @classmethod
    def load(cls, path: Path) -> TrainConfig:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8")).get("train", {})
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read training config {path}: {exc}") from exc
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown training option(s): {', '.join(unknown)}")
        if "cw_heads" in data:
            data["cw_heads"] = tuple(data["cw_heads"])
        return cls(**data)

    def to_dict(self) -> dict:  # type: ignore[type-arg]
        return asdict(self)


def ptc_is_tune(article_id: str) -> bool:
    """PTC: 10% of the non-dev training articles, held out to calibrate thresholds."""
    return not ptc_is_dev(article_id) and bucket(f"ptc-tune:{article_id}", 10) == 0


def polnear_in_sample(name: str, fraction: float) -> bool:
    """PolNeAR train articles used for training (a deterministic `fraction`, tuning articles excluded)."""
    return not polnear_is_tune(name) and bucket(f"polnear-sample:{name}", 1000) < int(fraction * 1000)


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class TopModel:
    """Factory for the torch module (kept in a function so the runtime never imports torch)."""

    @staticmethod
    def build(base, frozen_layers: int):  # type: ignore[no-untyped-def]
        import torch
        from torch import nn

        class Top(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.layers = nn.ModuleList(copy.deepcopy(list(base.encoder.layer[frozen_layers:])))
                dim = base.config.hidden_size
                self.tech = nn.Linear(dim, N_TECH)
                self.roles = nn.Linear(dim, N_ROLE_TAGS)
                self.tc = nn.Linear(dim, len(PTC_TECHNIQUES))
                self.dropout = nn.Dropout(0.1)

            def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
                ext = (1.0 - mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
                h = states
                for layer in self.layers:
                    h = layer(h, attention_mask=ext)
                    if isinstance(h, tuple):
                        h = h[0]
                return h

        return Top()


def _batches(order: list[int], size: int) -> list[list[int]]:
    return [order[i : i + size] for i in range(0, len(order), size)]


def train_top(
    base,  # type: ignore[no-untyped-def]
    chunks: list[Chunk],
    states: list[np.ndarray],
    cfg: TrainConfig,
    log_every: int = 20,
):
    """Train the top layers and heads on cached states; returns the torch module."""
    import torch
    import torch.nn.functional as F

    seed_everything(cfg.seed)
    model = TopModel.build(base, cfg.frozen_layers)
    model.train()

    ptc = [c for c in chunks if c.task == "ptc"]
    tech_all = np.concatenate([c.tech for c in ptc]) if ptc else np.zeros((1, N_TECH))
    pos = tech_all.sum(0).astype(np.float64)
    neg = len(tech_all) - pos
    pos_weight = torch.tensor(np.clip(np.sqrt(neg / np.maximum(pos, 1)), 1.0, cfg.max_pos_weight), dtype=torch.float32)
    log.info("technique token positives %s; pos_weight %s", pos.astype(int).tolist(), pos_weight.numpy().round(2))

    enc_params = list(model.layers.parameters())
    head_params = [p for n, p in model.named_parameters() if not n.startswith("layers.")]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": cfg.lr_encoder}, {"params": head_params, "lr": cfg.lr_heads}],
        weight_decay=0.01,
    )
    steps_per_epoch = math.ceil(len(chunks) / cfg.batch_size)
    total = steps_per_epoch * cfg.epochs
    warm = max(1, int(cfg.warmup * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    rng = random.Random(cfg.seed)
    step = 0
    for epoch in range(cfg.epochs):
        order = list(range(len(chunks)))
        rng.shuffle(order)
        t0, tokens, running = time.time(), 0, {"tech": 0.0, "roles": 0.0, "tc": 0.0}
        for batch in _batches(order, cfg.batch_size):
            width = max(len(states[i]) for i in batch)
            x = torch.zeros((len(batch), width, states[batch[0]].shape[1]), dtype=torch.float32)
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            tech = torch.zeros((len(batch), width, N_TECH), dtype=torch.float32)
            tech_mask = torch.zeros((len(batch), width), dtype=torch.bool)
            roles = torch.full((len(batch), width), IGNORE, dtype=torch.long)
            tc_rows = []
            for r, i in enumerate(batch):
                n = len(states[i])
                x[r, :n] = torch.from_numpy(states[i].astype(np.float32))
                mask[r, :n] = 1
                c = chunks[i]
                if c.tech is not None:
                    tech[r, 1 : n - 1] = torch.from_numpy(c.tech.astype(np.float32))
                    tech_mask[r, 1 : n - 1] = True
                if c.roles is not None:
                    roles[r, 1 : n - 1] = torch.from_numpy(c.roles)
                tc_rows.extend((r, a + 1, b + 1, k) for a, b, k in c.tc_spans)
            h = model(x, mask)
            h = model.dropout(h)
            loss = torch.zeros(())
            if tech_mask.any():
                logits = model.tech(h[tech_mask])
                lt = F.binary_cross_entropy_with_logits(logits, tech[tech_mask], pos_weight=pos_weight)
                loss = loss + lt
                running["tech"] += float(lt)
            if (roles != IGNORE).any():
                lr_ = F.cross_entropy(model.roles(h).reshape(-1, N_ROLE_TAGS), roles.reshape(-1), ignore_index=IGNORE)
                loss = loss + cfg.role_loss_weight * lr_
                running["roles"] += float(lr_)
            if tc_rows:
                pooled = torch.stack([h[r, a:b].mean(0) for r, a, b, _ in tc_rows])
                target = torch.tensor([k for *_, k in tc_rows])
                lc = F.cross_entropy(model.tc(pooled), target)
                loss = loss + cfg.tc_loss_weight * lc
                running["tc"] += float(lc)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
            tokens += int(mask.sum())
            if step % log_every == 0:
                rate = tokens / (time.time() - t0)
                log.info(
                    "epoch %d step %d/%d loss tech %.4f roles %.4f tc %.4f | %.0f tokens/s",
                    epoch + 1,
                    step,
                    total,
                    running["tech"] / log_every,
                    running["roles"] / log_every,
                    running["tc"] / log_every,
                    rate,
                )
                running = dict.fromkeys(running, 0.0)
        log.info("epoch %d done in %.0f s", epoch + 1, time.time() - t0)
    model.eval()
    return model


def merged_encoder(base, top, frozen_layers: int):  # type: ignore[no-untyped-def]
    """A full BERT model: the frozen bottom of `base` with the fine-tuned top layers of `top`."""
    full = copy.deepcopy(base).eval()
    for j, layer in enumerate(top.layers):
        full.encoder.layer[frozen_layers + j] = copy.deepcopy(layer).eval()
    return full


def head_arrays(top) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """The linear heads as numpy weights ([dim, out]) and biases, for the runtime."""
    out = {}
    for name in ("tech", "roles", "tc"):
        lin = getattr(top, name)
        out[f"{name}_w"] = lin.weight.detach().numpy().T.astype(np.float32).copy()
        out[f"{name}_b"] = lin.bias.detach().numpy().astype(np.float32).copy()
    return out
