"""`newsaudit train CONFIG --data DIR`: train the multi-task model heads (needs the `train` extra)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from newsaudit.errors import InputError, ModelError
from newsaudit.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("train", help="train the persuasion / attribution / check-worthiness heads from a config")
    p.add_argument(
        "train_config", metavar="CONFIG", type=Path, help="a training config, e.g. training/configs/multitask.toml"
    )
    p.add_argument("--data", type=Path, default=Path("../shared/data"), help="data root (default ../shared/data)")
    p.add_argument("--out", type=Path, default=None, help="models folder (default: the package's models/)")
    p.add_argument("--cache", type=Path, default=Path(".cache/training"), help="feature cache (never in the repo)")
    p.add_argument("--log", type=Path, default=None, help="also log to this file")
    p.add_argument("--threads", type=int, default=1, help="1 is fastest on a shared, loaded CPU")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if not args.train_config.is_file():
        raise InputError(f"no training config at {args.train_config}")
    if not args.data.is_dir():
        raise InputError(f"no data folder at {args.data}")
    try:
        from newsaudit.training import run as training_run
    except ImportError as exc:  # torch / transformers / sklearn are in the train extra only
        raise ModelError(f"training needs the train extra (pip install -e '.[train]'): {exc}") from exc
    training_run.setup_logging(args.log)
    command = f"newsaudit train {args.train_config} --data {args.data}"
    out = training_run.train_and_export(
        args.train_config,
        args.data,
        args.out or training_run.MODELS_DIR,
        args.cache,
        command,
        args.threads,
    )
    print(json.dumps({"model_dir": str(out)}))
    return 0
