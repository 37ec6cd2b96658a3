"""Training configs: the shipped config loads; unknown keys and unreadable files are one-line InputErrors."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit.errors import InputError
from newsaudit.training.multitask import TrainConfig, ptc_is_tune

CONFIGS = Path(__file__).resolve().parents[2] / "training" / "configs"


def test_shipped_config_loads_and_is_seeded() -> None:
    cfg = TrainConfig.load(CONFIGS / "multitask.toml")
    assert cfg.seed == 13 and cfg.epochs > 0 and 0 < cfg.polnear_fraction <= 1
    assert isinstance(cfg.cw_heads, tuple)


def test_unknown_option_and_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[train]\nlearning_rate_typo = 1\n")
    with pytest.raises(InputError, match="learning_rate_typo"):
        TrainConfig.load(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("[train\n")
    with pytest.raises(InputError):
        TrainConfig.load(broken)


def test_tune_split_never_overlaps_dev() -> None:
    from newsaudit.evaluation.splits import ptc_is_dev

    ids = [str(111111111 + i) for i in range(2000)]
    tune = [i for i in ids if ptc_is_tune(i)]
    assert tune and not any(ptc_is_dev(i) for i in tune)
