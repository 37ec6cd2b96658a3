"""The pipeline runner: one BLAS thread while analyses run, restored after the last one."""

from __future__ import annotations

import threading
from typing import ClassVar

import pytest

from newsaudit.analysis import pipeline
from newsaudit.analysis.pipeline import Pipeline
from newsaudit.document import Document


class FakeController:
    """Records BLAS limits set and restored (threadpoolctl's controller, without touching real thread pools)."""

    events: ClassVar[list[str]] = []

    def limit(self, *, limits: int, user_api: str) -> FakeController:
        self.events.append(f"limit {user_api}={limits}")
        return self

    def restore_original_limits(self) -> None:
        self.events.append("restore")


class Blocking:
    name, requires, assigns = "blocking", (), ()

    def __init__(self) -> None:
        self.inside, self.release = threading.Event(), threading.Event()

    def __call__(self, doc: Document) -> None:
        self.inside.set()
        self.release.wait(5)


def test_overlapping_analyses_share_one_blas_limit_restored_after_the_last(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ThreadpoolController", FakeController)
    FakeController.events = []
    first, second = Blocking(), Blocking()
    a = threading.Thread(target=Pipeline([first]), args=(Document(text="a"),))
    b = threading.Thread(target=Pipeline([second]), args=(Document(text="b"),))
    a.start()
    first.inside.wait(5)
    b.start()
    second.inside.wait(5)
    first.release.set()  # the first analysis ends while the second still runs: the limit must stay
    a.join(5)
    assert FakeController.events == ["limit blas=1"]
    second.release.set()
    b.join(5)
    assert FakeController.events == ["limit blas=1", "restore"]


def test_the_limit_is_restored_when_a_step_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "ThreadpoolController", FakeController)
    FakeController.events = []

    class Failing:
        name, requires, assigns = "failing", (), ()

        def __call__(self, doc: Document) -> None:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        Pipeline([Failing()])(Document(text="x"))
    assert FakeController.events == ["limit blas=1", "restore"]
