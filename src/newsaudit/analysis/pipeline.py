"""The analysis pipeline: named steps that declare which Document layers they read and write."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from threadpoolctl import ThreadpoolController

from newsaudit.document import Document

# Layers present on every Document before analysis starts.
BASE_LAYERS = frozenset({"text", "metadata"})


class Step(Protocol):
    """One analysis step: reads some layers of a Document and writes others, in place."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def __call__(self, doc: Document) -> None: ...


StepFactory = Callable[..., Step]
_REGISTRY: dict[str, StepFactory] = {}


def register(name: str) -> Callable[[StepFactory], StepFactory]:
    """Register a step factory under a versioned name such as `newsaudit.segment.v1`."""

    def deco(factory: StepFactory) -> StepFactory:
        _REGISTRY[name] = factory
        return factory

    return deco


def create_step(name: str, **config: object) -> Step:
    """Build a registered step by name."""
    from newsaudit.analysis import steps  # noqa: F401  (registers the built-in steps)

    try:
        factory = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"unknown analysis step {name!r}; known steps: {known}") from None
    return factory(**config)


_blas_lock = threading.Lock()
_blas_users = 0
_blas_limit: Any = None


@contextlib.contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """One BLAS thread while any analysis runs in this process; the original limits come back after the last one."""
    global _blas_users, _blas_limit
    with _blas_lock:
        _blas_users += 1
        if _blas_users == 1:
            # analysis multiplies small matrices, where extra BLAS threads only spin; the controller is made here,
            # not cached, so that it sees every BLAS library loaded by now (0.3 ms)
            _blas_limit = ThreadpoolController().limit(limits=1, user_api="blas")
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users -= 1
            if _blas_users == 0:
                _blas_limit.restore_original_limits()
                _blas_limit = None


@dataclass
class Pipeline:
    """An ordered list of steps, checked so that every layer is written before it is read."""

    steps: list[Step]

    def __post_init__(self) -> None:
        check_order(self.steps)

    def __call__(self, doc: Document) -> Document:
        with _single_threaded_blas():  # ONNX Runtime keeps its own threads
            for step in self.steps:
                step(doc)
        doc.cache.clear()
        return doc

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]


def check_order(steps: Iterable[Step]) -> None:
    """Raise ValueError if a step reads a layer that no earlier step wrote."""
    available = set(BASE_LAYERS)
    for step in steps:
        missing = [layer for layer in step.requires if layer not in available]
        if missing:
            raise ValueError(f"step {step.name!r} requires {missing} but no earlier step assigns them")
        available.update(step.assigns)
