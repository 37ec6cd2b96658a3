"""Training configuration, held-out split helpers and seeding for the multi-task heads."""

from __future__ import annotations

import logging
import random
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from newsaudit.errors import InputError
from newsaudit.evaluation.splits import bucket, polnear_is_tune, ptc_is_dev

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """The `[train]` table of a config file; every run is seeded by `seed`."""

    seed: int = 13
    name: str = "newsaudit-multitask"
    encoder: str = ""  # fine-tuned encoder folder next to the heads folder (newsaudit.training.finetune); "": base
    window: int = 254
    runtime_stride: int = 224
    polnear_fraction: float = 0.1
    epochs: int = 12
    batch_size: int = 16
    lr_heads: float = 2e-3
    hidden: int = 128
    adapter: str = "conv"
    cw_heads: tuple[str, ...] = ("logistic", "mlp")
    role_gap: int = 0  # role decoding: O gaps of up to this many tokens inside one role are filled
    role_merge_b: bool = False  # role decoding: a B right after the same role continues the span
    si_gap: int = 0  # SI decoding: dips of up to this many tokens between technique tokens are filled
    # SI-only tagger, trained on the PTC articles after the joint heads and exported as the extra heads.onnx output
    # "si" (the joint heads, and so the role tagger and span features, stay as they are). "" = none; "lstm" = BiLSTM.
    si_head: str = ""
    si_hidden: int = 128  # units per direction
    si_epochs: int = 6
    si_lr: float = 2e-3
    si_any_weight: float = 1.0  # loss weight of the "any technique" column relative to the 14 technique columns
    si_mix: float = 1.0  # SI probability = si_mix * SI head + (1 - si_mix) * joint "any" tagger (chosen on tune)
    si_technique_mix: float = 0.0  # SI probability mixes in the most likely of the 14 technique taggers by this share
    si_threshold: float = 0.0  # fixed SI threshold; 0: the one maximising SI F1 on the PTC tune articles
    si_hysteresis: float = 0.0  # SI decoding: spans grow while >= threshold - this, kept if they reach the threshold
    si_min_chars: int = 0  # SI decoding: spans shorter than this are dropped
    # SI span filter (`models.span_filter`): a logistic regression over decoded spans, fit on the PTC train articles,
    # its threshold chosen among these on the tune articles (0 = keep every span). 0 C: no filter.
    si_filter_c: float = 0.0
    si_filter_thresholds: tuple[float, ...] = (0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
    max_pos_weight: float = 8.0
    role_loss_weight: float = 1.0
    tc_loss_weight: float = 1.0
    # Span classifier (TC), refit on the frozen encoder after the token heads; empty tc_blocks keeps the joint head.
    tc_blocks: tuple[str, ...] = ()
    tc_hash_dim: int = 0  # buckets of the hashed span words (block "hashed_words")
    tc_hidden: int = 0  # 0: multinomial logistic regression; else one ReLU hidden layer of this width
    tc_weight_decay: float = 50.0  # L2 on the weights, per training span
    tc_dropout: float = 0.0
    tc_epochs: int = 30
    tc_seeds: int = 1  # MLPs averaged (shipped as one wider MLP)
    tc_ngram_dim: int = 0  # buckets of the span-text n-gram logistic head blended with the span classifier (0: none)
    tc_ngram_c: float = 16.0  # its inverse L2 strength
    tc_ngram_weights: tuple[float, ...] = (0.1, 0.2, 0.3)  # its share of the blended log-probabilities: candidates
    tc_repetition_boosts: tuple[float, ...] = ()  # candidates added to log P(Repetition) of spans repeating a phrase
    # Check-worthiness: optional hashed word/char n-gram tf-idf logistic head, ensembled with the pooled-state head.
    cw_ngram_dim: int = 0  # 0: no n-gram head
    cw_ngram_c: float = 4.0  # inverse L2 strength of the n-gram logistic regression
    cw_seeds: int = 1  # MLP check-worthiness head: seeds averaged (shipped as one wider MLP)

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
        for key in ("cw_heads", "tc_blocks", "tc_ngram_weights", "tc_repetition_boosts", "si_filter_thresholds"):
            if key in data:
                data[key] = tuple(data[key])
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
