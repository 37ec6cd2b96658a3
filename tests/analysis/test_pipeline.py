"""The pipeline runner: one BLAS thread while analyses run (restored after the last); items prepared ahead."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import ClassVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


class Preparing:
    """A step whose `prepare` records, per text, the thread it ran on; `fail_on` texts make it raise."""

    name, requires, assigns = "preparing", (), ()

    def __init__(self, fail_on: frozenset[str] = frozenset()) -> None:
        self.prepared: dict[str, int] = {}
        self.fail_on = fail_on

    def prepare(self, doc: Document) -> None:
        if doc.text in self.fail_on:
            raise RuntimeError("boom")
        doc.cache["prepared"] = True
        self.prepared[doc.text] = threading.get_ident()

    def __call__(self, doc: Document) -> None: ...


@given(st.lists(st.one_of(st.text(min_size=1, max_size=5), st.none()), max_size=8))
@settings(max_examples=40, deadline=None)
def test_ahead_yields_every_item_in_order_each_prepared_on_a_worker_before_it_is_yielded(
    texts: list[str | None],
) -> None:
    step = Preparing()
    items: list[Document | str] = [Document(text=t) if t is not None else "not a document" for t in texts]
    seen: list[Document | str] = []
    for item in Pipeline([step]).ahead(items):
        if isinstance(item, Document) and item.text.strip():
            assert item.cache.get("prepared") is True  # prepared before the caller gets it
        seen.append(item)
    assert seen == items
    assert threading.get_ident() not in step.prepared.values()
    assert set(step.prepared) == {t for t in texts if t is not None and t.strip()}


def test_ahead_starts_the_next_item_before_yielding_this_one() -> None:
    step = Preparing()
    docs = [Document(text=t) for t in ("one", "two", "three")]
    it = Pipeline([step]).ahead(docs)
    assert next(it) is docs[0]
    # the caller now works on "one" while "two" is prepared: wait for it without asking for the next item
    for _ in range(500):
        if "two" in step.prepared:
            break
        threading.Event().wait(0.01)
    assert "two" in step.prepared and "three" not in step.prepared
    assert list(it) == docs[1:]


def test_a_failing_prepare_is_left_for_the_step_and_a_callable_picks_what_to_prepare() -> None:
    step = Preparing(fail_on=frozenset({"bad"}))
    pairs = [("a", Document(text="good")), ("b", Document(text="bad")), ("c", Document(text="skip me"))]
    out = list(Pipeline([step]).ahead(pairs, lambda pair: None if pair[0] == "c" else pair[1]))
    assert out == pairs
    assert set(step.prepared) == {"good"}
    assert "prepared" not in pairs[1][1].cache


def test_ahead_without_prepare_steps_passes_items_through() -> None:
    items = [Document(text="x"), "y"]
    assert list(Pipeline([Blocking()]).ahead(iter(items))) == items


def test_a_source_failing_while_read_ahead_still_hands_out_the_item_read_before() -> None:
    def source() -> Iterator[Document]:
        yield Document(text="first")
        raise ValueError("the feed broke")

    it = Pipeline([Preparing()]).ahead(source())
    assert next(it).text == "first"
    with pytest.raises(ValueError, match="the feed broke"):
        next(it)


class Recording:
    """A rule step that records, in `log`, when it ran and whether the model work was done by then; then `after`."""

    requires, assigns = (), ()

    def __init__(self, name: str, log: list[str], after: threading.Event | None = None) -> None:
        self.name, self.log, self.after = name, log, after

    def __call__(self, doc: Document) -> None:
        self.log.append(f"{self.name} prepared={doc.cache.get('prepared', False)}")
        if self.after is not None:
            self.after.set()


class Gated(Preparing):
    """A model step whose `prepare` waits for `gate` (set by the rule step before it: the two must overlap)."""

    def __init__(self, log: list[str], fail_on: frozenset[str] = frozenset()) -> None:
        super().__init__(fail_on)
        self.log, self.gate = log, threading.Event()

    def prepare(self, doc: Document) -> None:
        self.gate.wait(5)
        super().prepare(doc)

    def __call__(self, doc: Document) -> None:
        if "prepared" not in doc.cache:  # the worker's prepare failed: the work is done here, failing in turn
            self.prepare(doc)
        self.log.append("model")


def test_one_analysis_prepares_on_a_worker_while_the_steps_before_the_model_run() -> None:
    log: list[str] = []
    model = Gated(log)
    steps = [Recording("rules", log, after=model.gate), model, Recording("after", log)]
    doc = Pipeline(steps)(Document(text="an article"))
    assert log == ["rules prepared=False", "model", "after prepared=True"]
    assert model.prepared["an article"] != threading.get_ident()
    assert doc.cache == {}  # cleared after the steps


def test_a_failing_prepare_in_one_analysis_fails_in_the_step_that_needs_it() -> None:
    log: list[str] = []
    model = Gated(log, fail_on=frozenset({"bad"}))
    with pytest.raises(RuntimeError, match="boom"):
        Pipeline([Recording("rules", log, after=model.gate), model])(Document(text="bad"))
    assert log == ["rules prepared=False"]
