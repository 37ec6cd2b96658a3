"""Deadline-aware admission: deterministic checks with a fake clock and given service times (no timing asserts)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsaudit.server.app import PAGE_COST, analysis_cost, create_app
from newsaudit.server.limits import Admission, JobTooLong, PoolFull, ServiceEstimate
from newsaudit.server.schemas import ArticleInput
from newsaudit.settings import Settings


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def admission(
    workers: int = 1, *, per_unit: float | None = 1.0, deviation: float = 0.0, margin: float = 0.0, **kw: float
) -> tuple[Admission, Clock]:
    clock = Clock()
    adm = Admission(workers, kw.pop("capacity", 100), kw.pop("max_latency", 2.0), margin=margin, clock=clock, **kw)
    if per_unit is not None:
        adm.estimates["analysis"] = ServiceEstimate(mean=per_unit, deviation=deviation)
    return adm, clock


def running(adm: Admission, cost: float = 1.0) -> None:
    adm.start(adm.admit("analysis", cost))


def test_admits_a_job_that_fits_the_budget_and_refuses_the_next() -> None:
    adm, _ = admission()  # 1 s per job, 2 s budget, one worker
    running(adm)
    adm.admit("analysis")  # waits 1 s, runs 1 s: finishes at 2 s
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis")  # would wait 2 s and finish at 3 s
    assert info.value.retry_after == 2  # it fits while its wait is <= 1 s, from t=1 to t=3: aim at the middle
    assert adm.admitted == 2


def test_retry_after_is_the_time_until_the_job_would_fit_and_books_that_slot() -> None:
    adm, clock = admission(per_unit=0.5)
    running(adm, cost=10)  # 5 s of work started at t=0
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis", 1)  # 5 s wait + 0.5 s = 3.5 s over budget
    assert info.value.retry_after == 4 and adm.booked == 1
    clock.now = 3.5
    with pytest.raises(PoolFull):
        adm.admit("analysis", 1)  # would fit now, but a newcomer goes behind the caller told to come back at 4 s
    assert adm.booked == 2
    clock.now = 4.0
    adm.admit("analysis", 1)  # the first caller is back: 1 s + 0.5 s fits
    assert adm.booked == 1


def test_a_client_reposting_at_once_cannot_starve_the_one_told_to_retry() -> None:
    adm, clock = admission(per_unit=3.0)  # each job takes 3 s, over the 2 s budget
    a = adm.admit("analysis")
    adm.start(a)
    clock.now = 0.1
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis")  # B: over budget, so it must wait for the worker: about 2.9 s
    assert info.value.retry_after == 3
    clock.now = 3.0
    adm.finish(a)
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis")  # A's client posts again the instant its answer came: the free worker is B's
    assert info.value.retry_after == 4  # behind B: 0.1 s until B is due, then B's 3 s, rounded up
    clock.now = 3.1
    adm.admit("analysis")  # B is back and gets the worker


def test_a_short_job_may_fill_the_gap_before_a_booking() -> None:
    adm, clock = admission(per_unit=1.0)
    running(adm, cost=3)
    with pytest.raises(PoolFull):
        adm.admit("analysis", 3)  # booked at 3 s
    adm.finish(next(iter(adm._jobs.values())))
    clock.now = 1.0
    adm.admit("analysis", 0.5)  # the worker is free and this is done by 1.5 s, before the booking
    with pytest.raises(PoolFull):
        adm.admit("analysis", 0.5)  # no worker free now: behind the booking


def test_an_unclaimed_booking_expires() -> None:
    adm, clock = admission(per_unit=1.0)
    running(adm)
    adm.admit("analysis")  # waits 1 s, runs 1 s
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis")  # 2 + 1 s: told to come back in 2 s
    assert info.value.retry_after == 2 and adm.booked == 1
    clock.now = 2.0 + Admission.BOOKING_GRACE + 0.01  # the caller never came back
    assert adm.booked == 0
    adm.admit("analysis")  # a newcomer is judged on the wait alone again


def test_always_admits_when_a_worker_is_free_even_a_job_over_budget() -> None:
    adm, _ = admission()
    running(adm, cost=5)  # 5 s, over the 2 s budget, on an idle server
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis", 5)  # over budget and not idle: come back when the worker is free
    assert info.value.retry_after == 5


def test_two_workers_schedule_queued_jobs_first_come_first_served() -> None:
    adm, _ = admission(workers=2)
    running(adm)
    running(adm)  # the second worker was free
    assert adm.expected_wait() == pytest.approx(1.0)
    adm.admit("analysis")  # starts at 1 s on the first worker to free up
    adm.admit("analysis")  # starts at 1 s on the other one
    assert adm.expected_wait() == pytest.approx(2.0)
    with pytest.raises(PoolFull):
        adm.admit("analysis")


def test_running_time_counts_against_the_wait_and_overdue_jobs_count_as_finishing() -> None:
    adm, clock = admission(per_unit=1.5)
    running(adm)
    with pytest.raises(PoolFull):
        adm.admit("analysis")  # 1.5 + 1.5 = 3 s
    clock.now = 1.0
    adm.admit("analysis")  # 0.5 + 1.5 = 2 s
    adm2, clock2 = admission(per_unit=1.0)
    running(adm2)
    clock2.now = 7.0  # the running job is 6 s late: expected to end any moment, not to take negative time
    assert adm2.expected_wait() == 0.0


def test_margin_adds_deviation_to_the_new_jobs_service_time() -> None:
    strict, _ = admission(deviation=0.5, margin=1.0)
    running(strict)
    with pytest.raises(PoolFull):
        strict.admit("analysis")  # 1 s wait + (1 + 0.5) s
    lenient, _ = admission(deviation=0.5, margin=0.0)
    running(lenient)
    lenient.admit("analysis")


def test_behind_work_of_unknown_length_one_job_waits_per_worker() -> None:
    adm, _ = admission(per_unit=None)
    running(adm)  # idle: admitted although nothing is known yet
    adm.admit("analysis")  # one may wait (a burst at start-up does not all queue)
    with pytest.raises(PoolFull) as info:
        adm.admit("analysis")
    assert info.value.retry_after == 1
    adm.estimates["other"] = ServiceEstimate(mean=0.01)
    with pytest.raises(PoolFull):
        adm.admit("other")  # known itself, but it would wait behind work of unknown length


def test_an_unknown_kind_may_queue_behind_known_work_if_the_wait_fits() -> None:
    adm, _ = admission(per_unit=1.5)
    running(adm)
    adm.admit("other")  # not learnt yet: counted as instant, so a first corpus query is not starved by analyses
    with pytest.raises(PoolFull):
        adm.admit("analysis")  # and behind it (unknown length) no more than one job per worker waits
    adm2, _ = admission(per_unit=3.0)
    running(adm2)
    with pytest.raises(PoolFull) as info:
        adm2.admit("other")  # the 3 s wait alone is over the 2 s budget; it fits from t=1 on
    assert info.value.retry_after == 2


def test_hard_capacity_holds_whatever_the_estimates() -> None:
    adm, _ = admission(per_unit=0.001, capacity=3)
    for _ in range(3):
        adm.admit("analysis")
    with pytest.raises(PoolFull):
        adm.admit("analysis")


def test_job_over_the_time_limit_is_refused_once_its_cost_is_known() -> None:
    adm, _ = admission(per_unit=None, max_job_seconds=10.0)
    adm.finish(adm.admit("analysis", 1000), succeeded=True)  # never started: teaches nothing
    assert "analysis" not in adm.estimates
    adm.estimates["analysis"] = ServiceEstimate(mean=1.0)
    with pytest.raises(JobTooLong) as info:
        adm.admit("analysis", 11)
    assert "11 s" in str(info.value) and "10 s limit" in str(info.value)
    adm.admit("analysis", 9)


def test_finished_jobs_teach_the_estimate_per_cost_unit() -> None:
    adm, clock = admission(per_unit=None)
    ticket = adm.admit("analysis", 4)
    adm.start(ticket)
    clock.now = 2.0
    adm.finish(ticket)
    est = adm.estimates["analysis"]
    assert est.mean == pytest.approx(0.5) and est.count == 1 and adm.admitted == 0
    ticket = adm.admit("analysis", 1)
    adm.start(ticket)
    clock.now = 3.0
    adm.finish(ticket)  # 1 s per unit, moved towards by alpha = 0.2
    assert est.mean == pytest.approx(0.6) and est.deviation == pytest.approx(0.25 + 0.2 * (0.5 - 0.25))
    failed = adm.admit("analysis", 1)
    adm.start(failed)
    clock.now = 100.0
    adm.finish(failed, succeeded=False)  # errors (a refused URL, bad input) say nothing about service time
    assert est.count == 2


def test_analysis_cost_is_kilocharacters_with_a_floor() -> None:
    assert analysis_cost(ArticleInput(text="x" * 6000)) == pytest.approx(6.0)
    assert analysis_cost(ArticleInput(text="short")) == 1.0
    assert analysis_cost(ArticleInput(url="https://example.org/a")) > 1.0
    # a page is mostly markup: a 300 KB page costs like an article, not like 300,000 characters of text
    page = "<html><body>" + "<div class='x'></div>" * 14_000 + "<p>Text.</p></body></html>"
    assert analysis_cost(ArticleInput(html=page)) == analysis_cost(ArticleInput(url="https://example.org/a"))


def test_a_refusal_at_the_hard_bound_books_a_slot_and_keeps_a_due_booking() -> None:
    adm, clock = admission(per_unit=0.5, capacity=2)
    running(adm, cost=10)  # 5 s of work
    with pytest.raises(PoolFull):
        adm.admit("analysis", 1)  # over the budget: told to come back and booked
    assert adm.booked == 1
    clock.now = 4.0
    adm.admit("analysis", 1)  # fills the queue (capacity 2): not the caller the booking is for
    clock.now = 5.0
    booked = adm.booked
    with pytest.raises(PoolFull):
        adm.admit("analysis", 1)  # the hard bound: refused before any promised slot is used up
    assert adm.booked == booked + 1  # told when to come back, and that slot is kept for it


def test_app_refuses_an_article_over_the_time_limit_with_413_and_reports_its_budget() -> None:
    settings = Settings(use_models=False, server_max_latency=1.5, server_max_job_seconds=30.0)
    app = create_app(settings)
    with TestClient(app) as client:
        health = client.get("/api/health").json()
        assert health["max_latency_s"] == 1.5 and health["admitted"] == 0
        app.state.newsaudit.pool.admission.estimates["analysis"] = ServiceEstimate(mean=10.0)  # 10 s per 1,000 chars
        r = client.post("/api/analyze", json={"text": "The mayor said 40 people came. " * 200})
        assert r.status_code == 413 and "30 s limit" in r.json()["error"]
        page = client.post("/audit", data={"text": "The mayor said 40 people came. " * 200})
        assert page.status_code == 413 and "30 s limit" in page.text
        assert client.post("/api/analyze", json={"text": "The mayor said 40 people came."}).status_code == 200


def test_serve_passes_the_budget_and_model_threads_on(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    from newsaudit.cli import main

    monkeypatch.setenv("NEWSAUDIT_SERVE_CONFIG", "")
    monkeypatch.setenv("NEWSAUDIT_THREADS", "")
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: None)
    argv = ["serve", "--port", "8126", "--max-latency", "1.5", "--max-job-seconds", "20", "--model-threads", "1"]
    assert main(argv) == 0
    config = json.loads(os.environ["NEWSAUDIT_SERVE_CONFIG"])
    assert config["settings"]["server_max_latency"] == 1.5
    assert config["settings"]["server_max_job_seconds"] == 20
    assert os.environ["NEWSAUDIT_THREADS"] == "1"


@pytest.mark.parametrize("flag", ["--max-latency", "--max-job-seconds", "--model-threads"])
def test_serve_refuses_a_non_positive_limit(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    from newsaudit.cli import main

    assert main(["serve", flag, "0"]) == 2
    err = capsys.readouterr().err
    assert flag in err and err.count("\n") == 1


def test_jobs_ahead_count_with_the_margin_too() -> None:
    # 0.8 s mean, 0.2 s deviation, margin 1: the running job is expected to take up to 1.0 s, the newcomer 1.0 s
    adm, _ = admission(per_unit=0.8, deviation=0.2, margin=1.0)
    running(adm)
    adm.admit("analysis")  # 1.0 + 1.0 = 2.0 s: fits
    adm2, _ = admission(per_unit=0.8, deviation=0.3, margin=1.0)
    running(adm2)
    with pytest.raises(PoolFull):
        adm2.admit("analysis")  # 1.1 + 1.1 = 2.2 s; by the mean alone the wait would be 0.8 s and it would fit


def _record_jobs(app: Any) -> list[tuple[str, float]]:
    """The (kind, cost) of every job the app's pool is asked to run, from now on."""
    pool = app.state.newsaudit.pool
    jobs: list[tuple[str, float]] = []
    run_job = pool.run_job

    async def recording(kind: str, cost: float, fn: Any, *args: Any, **kwargs: Any) -> Any:
        jobs.append((kind, cost))
        return await run_job(kind, cost, fn, *args, **kwargs)

    pool.run_job = recording
    return jobs


def test_a_page_is_fetched_as_a_job_of_its_own_and_analysed_at_the_cost_of_its_text() -> None:
    """An HTML body, URL or upload was one analysis job of fixed cost PAGE_COST whatever the text found: a long
    page slipped past the per-job limit and taught the estimate a service time per unit many times too high."""
    paragraph = "The harbour master said on Monday that 40 ships had been turned away from the port. "
    paragraphs = "".join(f"<p>Day {i}: {paragraph * 4}</p>" for i in range(50))
    page = f"<html><body><article>{paragraphs}</article></body></html>"
    app = create_app(Settings(use_models=False, server_max_job_seconds=30.0))
    with TestClient(app) as client:
        jobs = _record_jobs(app)
        r = client.post("/api/analyze", json={"html": page})
        assert r.status_code == 200
        text_kchars = len(r.json()["article"]["text"]) / 1000
        assert text_kchars > 15
        assert jobs[0] == ("page", PAGE_COST)
        assert jobs[1][0] == "analysis" and jobs[1][1] == pytest.approx(text_kchars, rel=0.05)
        jobs.clear()
        r = client.post("/audit", files={"file": ("p.html", page.encode(), "text/html")})
        assert r.status_code == 200
        assert [kind for kind, _ in jobs] == ["page", "analysis"]  # extraction is off the event loop too
        assert jobs[1][1] == pytest.approx(text_kchars, rel=0.05)
        app.state.newsaudit.pool.admission.estimates["analysis"] = ServiceEstimate(mean=10.0)  # 10 s per 1,000 chars
        r = client.post("/api/analyze", json={"html": page})
        assert r.status_code == 413 and "30 s limit" in r.json()["error"]


def test_ingest_is_admitted_like_an_analysis_of_its_length(tmp_path: Any) -> None:
    """Ingest ran as a cost-1 "other" job: past the per-job limit, and teaching corpus queries its service time."""
    text = "The harbour master said on Monday that 40 ships had been turned away from the port. " * 40
    app = create_app(Settings(use_models=False, server_max_job_seconds=30.0), tmp_path / "c.db")
    with TestClient(app) as client:
        jobs = _record_jobs(app)
        assert client.post("/api/ingest", json={"text": text}).status_code == 200
        assert jobs == [("ingest", pytest.approx(len(text) / 1000))]
        assert "ingest" in app.state.newsaudit.pool.admission.estimates
        assert "other" not in app.state.newsaudit.pool.admission.estimates  # corpus queries learn nothing from it
        app.state.newsaudit.pool.admission.estimates["ingest"] = ServiceEstimate(mean=10.0)
        r = client.post("/api/ingest", json={"text": text + " Another sentence."})
        assert r.status_code == 413 and "30 s limit" in r.json()["error"]
        assert client.get("/api/articles").json()["total"] == 1
