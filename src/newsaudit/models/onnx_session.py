"""onnxruntime sessions for the shipped models, with one thread policy (argument, $NEWSAUDIT_THREADS, all CPUs)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from newsaudit.errors import ModelError


def thread_count(threads: int | None = None) -> int:
    """Intra-op threads: `threads` if given, else $NEWSAUDIT_THREADS, else the machine's CPU count."""
    return threads or int(os.environ.get("NEWSAUDIT_THREADS", "0")) or (os.cpu_count() or 1)


def onnx_session(path: str | Path, threads: int | None = None) -> Any:
    """A CPU `onnxruntime.InferenceSession` for `path`; a missing or corrupt file raises ModelError.

    Its worker threads stop spinning when a run returns: otherwise the encoder's idle workers busy-wait through the
    heads and the rules that follow and take their cores (on 2 cores the heads ran 1.2 s instead of 0.7 s per 60
    articles, benchmarks/throughput.py)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = thread_count(threads)
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.force_spinning_stop", "1")
    try:
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"cannot load {path}: {exc}") from exc
