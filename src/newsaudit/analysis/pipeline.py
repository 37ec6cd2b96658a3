"""The analysis pipeline: named steps that declare which Document layers they read and write."""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

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
T = TypeVar("T")
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
        """Run the steps on `doc`. The steps' `prepare` work (the encoder) starts on a worker thread, while the steps
        before the first one that needs it (segmentation, rules) run here: ONNX Runtime releases the GIL."""
        prepares = self._prepares()
        with contextlib.ExitStack() as stack:
            stack.enter_context(_single_threaded_blas())  # ONNX Runtime keeps its own threads
            job: Future[None] | None = None
            if prepares and doc.text.strip():
                pool = stack.enter_context(ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsaudit-prepare"))
                job = pool.submit(_prepare_all, prepares, doc)
            for step in self.steps:
                if job is not None and callable(getattr(step, "prepare", None)):
                    job.result()
                    job = None
                step(doc)
        doc.cache.clear()
        return doc

    def _prepares(self) -> list[Callable[[Document], None]]:
        return [step.prepare for step in self.steps if callable(getattr(step, "prepare", None))]

    def ahead(self, items: Iterable[T], document: Callable[[T], Document | None] | None = None) -> Iterator[T]:
        """Yield `items` unchanged, each once the steps' `prepare` work on the next one has started on a worker thread.

        So in a batch the encoder runs on the next article while this one's Python steps run: ONNX Runtime releases
        the GIL. `document(item)` gives the Document to prepare (default: the item itself; None: nothing to prepare).
        A failing `prepare` is ignored here: the step that needs its work fails again, in its turn, on the caller's
        thread.
        """
        prepares = self._prepares()
        if not prepares:
            yield from items
            return
        as_document = document or (lambda item: item if isinstance(item, Document) else None)

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsaudit-prepare") as pool:

            def start(item: T) -> Future[None] | None:
                doc = as_document(item)
                return pool.submit(_prepare_all, prepares, doc) if doc is not None and doc.text.strip() else None

            waiting: deque[tuple[T, Future[None] | None]] = deque()
            source = iter(items)
            while True:
                try:
                    item = next(source)
                    waiting.append((item, start(item)))  # one worker: queued behind the previous item's work
                except StopIteration:
                    break
                except Exception:
                    if waiting:  # reading ahead failed: the item read before it still goes out first
                        yield _when_done(*waiting.popleft())
                    raise
                if len(waiting) == 2:
                    yield _when_done(*waiting.popleft())
            for item, job in waiting:
                yield _when_done(item, job)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.steps]


def _prepare_all(prepares: list[Callable[[Document], None]], doc: Document) -> None:
    """The steps' `prepare` work on `doc`; a failure is ignored here: the step that needs the work fails again, in
    its turn, on the caller's thread."""
    with contextlib.suppress(Exception):
        for run in prepares:
            run(doc)


def _when_done(item: T, job: Future[None] | None) -> T:
    if job is not None:
        job.result()
    return item


def check_order(steps: Iterable[Step]) -> None:
    """Raise ValueError if a step reads a layer that no earlier step wrote."""
    available = set(BASE_LAYERS)
    for step in steps:
        missing = [layer for layer in step.requires if layer not in available]
        if missing:
            raise ValueError(f"step {step.name!r} requires {missing} but no earlier step assigns them")
        available.update(step.assigns)
