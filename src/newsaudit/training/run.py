"""Reproducible training run: config -> cached encoder states -> multi-task heads -> model folder + model card.

Stages are resumable: the encoder states of every corpus and the trained heads are cached under `--cache`
(default `.cache/training`, gitignored), so a rerun after a failure starts where it stopped.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from newsaudit.training.finetune_checkworthy import HEAD_FILE
from newsaudit.training.multitask import TrainConfig

log = logging.getLogger("newsaudit.training")

DEFAULT_CACHE = Path(".cache/training")
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"


def setup_logging(log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s", handlers=handlers, force=True)


@dataclass
class Corpora:
    """Every text the run uses, split, with its cached encoder states."""

    ptc: list  # type: ignore[type-arg]
    ptc_states: list  # type: ignore[type-arg]
    pn_train: list  # type: ignore[type-arg]
    pn_train_states: list  # type: ignore[type-arg]
    pn_dev: list  # type: ignore[type-arg]
    pn_dev_states: list  # type: ignore[type-arg]
    cb: list  # type: ignore[type-arg]
    cb_pooled: object


def encoder_dir(cfg: TrainConfig, out_root: Path) -> Path | None:
    """The fine-tuned encoder the heads run on (`cfg.encoder`, a folder next to the heads folder); None: base MiniLM."""
    return out_root / cfg.encoder if cfg.encoder else None


def run_cache(cfg: TrainConfig, out_root: Path, cache_dir: Path) -> Path:
    """Where states and trained heads are cached: one subfolder per fine-tuned encoder, named by its digest."""
    from newsaudit.models.encoder import encoder_id

    folder = encoder_dir(cfg, out_root)
    return cache_dir / encoder_id(folder) if folder is not None else cache_dir


def extract_all(
    cfg: TrainConfig,
    data_dir: Path,
    cache_dir: Path,
    threads: int,
    skip: tuple[str, ...] = (),
    encoder: Path | None = None,
) -> Corpora:
    """Load the corpora and their encoder states (PTC first: it matters most; ClaimBuster last).

    `skip` names corpora (ptc, polnear, claimbuster) whose states are not computed here (another process does them);
    `encoder` is the encoder folder (default: the base MiniLM).
    """
    from newsaudit.models.encoder import BASE_ENCODER, OnnxEncoder
    from newsaudit.training.data import load_claimbuster, load_polnear, load_ptc
    from newsaudit.training.extract import corpus_states, pooled_sentences
    from newsaudit.training.multitask import polnear_in_sample

    encoder = OnnxEncoder(encoder or BASE_ENCODER, threads=threads)
    w, s = cfg.window, cfg.runtime_stride
    ptc = load_ptc(data_dir)
    ptc_states = (
        [] if "ptc" in skip else corpus_states(encoder, ptc, cache_dir / f"ptc-w{w}-s{s}.npz", window=w, stride=s)
    )
    pn_dev = load_polnear(data_dir, "dev")
    pn_dev_states = corpus_states(encoder, pn_dev, cache_dir / f"polnear-dev-w{w}-s{s}.npz", window=w, stride=s)
    pn_all = load_polnear(data_dir, "train")
    pn_train = [t for t in pn_all if polnear_in_sample(t.name, cfg.polnear_fraction)]
    log.info("PolNeAR train: %d of %d articles", len(pn_train), len(pn_all))
    pn_train_states = corpus_states(
        encoder, pn_train, cache_dir / f"polnear-train-{cfg.polnear_fraction}-w{w}-s{s}.npz", window=w, stride=s
    )
    cb = load_claimbuster(data_dir)
    if "claimbuster" in skip:
        return Corpora(ptc, ptc_states, pn_train, pn_train_states, pn_dev, pn_dev_states, cb, None)
    cb_pooled = pooled_sentences(encoder, [c.text for c in cb], cache_dir / "claimbuster-pooled.npz")
    return Corpora(ptc, ptc_states, pn_train, pn_train_states, pn_dev, pn_dev_states, cb, cb_pooled)


def train_and_export(
    config_path: Path,
    data_dir: Path,
    out_root: Path,
    cache_dir: Path,
    command: str,
    threads: int = 2,
    stage: str = "all",
    skip: tuple[str, ...] = (),
) -> Path | None:
    """Run the stages; returns the model folder written under `out_root` (None for `--stage extract`)."""
    import torch

    torch.set_num_threads(threads)
    cfg = TrainConfig.load(config_path)
    started = time.time()
    cache_dir = run_cache(cfg, out_root, cache_dir)
    encoder = encoder_dir(cfg, out_root)
    cw_head = encoder / HEAD_FILE if encoder is not None and (encoder / HEAD_FILE).exists() else None
    if cw_head is not None:  # the encoder's own check-worthiness head ships: no pooled ClaimBuster states needed
        skip = (*skip, "claimbuster")
    corpora = extract_all(cfg, data_dir, cache_dir, threads, skip, encoder)
    log.info("features ready after %.0f s", time.time() - started)
    if stage == "extract":
        return None
    from newsaudit.training import heads  # imported late: a resumed run picks up fixes

    out_dir = out_root / cfg.name
    heads.train_evaluate_export(cfg, corpora, out_dir, cache_dir, command=command, cw_head=cw_head)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("config", type=Path)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--log", type=Path, default=None)
    parser.add_argument(
        "--threads", type=int, default=1, help="torch/onnxruntime threads (1 is fastest on a loaded machine)"
    )
    parser.add_argument("--stage", choices=["extract", "all"], default="all")
    parser.add_argument("--skip", default="", help="extract stage: corpora to leave to another process (ptc,...)")
    args = parser.parse_args(argv)
    setup_logging(args.log)
    command = "python -m newsaudit.training.run " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    out = train_and_export(
        args.config,
        args.data,
        args.out,
        args.cache,
        command,
        args.threads,
        args.stage,
        tuple(x for x in args.skip.split(",") if x),
    )
    print(json.dumps({"model_dir": str(out) if out else None}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
