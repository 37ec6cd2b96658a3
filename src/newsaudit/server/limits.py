"""Request limits for the server: a body-size cap (ASGI middleware) and a deadline-aware analysis worker pool."""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import json
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")

DEFAULT_MAX_BODY_BYTES = 2_000_000
DEFAULT_MAX_LATENCY = 2.0


class PoolFull(Exception):
    """The job would not finish within the latency budget (or the hard bound is reached): answer 503 + Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the server is busy; retry later")
        self.retry_after = retry_after


class JobTooLong(Exception):
    """The job's expected service time alone is over the per-job time limit: answer 413, retrying will not help."""

    def __init__(self, expected: float, limit: float) -> None:
        super().__init__(
            f"this input would take about {expected:.0f} s to analyse, over the server's {limit:g} s limit per job"
        )
        self.expected = expected
        self.limit = limit


@dataclass
class ServiceEstimate:
    """Running estimate of one job kind's service time per cost unit: an EWMA mean and mean absolute deviation."""

    mean: float | None = None
    deviation: float = 0.0
    count: int = 0

    def observe(self, per_unit: float, alpha: float) -> None:
        if self.mean is None:
            self.mean, self.deviation = per_unit, per_unit / 2
        else:
            self.deviation += alpha * (abs(per_unit - self.mean) - self.deviation)
            self.mean += alpha * (per_unit - self.mean)
        self.count += 1


@dataclass
class Ticket:
    """One admitted job: its kind, its cost (e.g. kilo-characters of text) and when it started running."""

    kind: str
    cost: float
    number: int
    started: float | None = None


class Admission:
    """Deadline-aware admission for `workers` FIFO workers: admit a job only if it can finish within `max_latency`.

    Pure bookkeeping (no threads, injected clock), learnt service times per job kind and cost unit.
    """

    # A job's expected wait is a FIFO schedule of the admitted jobs' remaining times onto the workers; it is always
    # admitted when a worker is free and no refused caller was promised it. A refusal carries a Retry-After (the
    # expected seconds until it would fit) and books that time: a caller arriving when a booking falls due takes it
    # and newcomers queue behind bookings, so a client re-posting at once cannot starve those told to come back.
    # Behind work of a kind with no estimate yet, at most one job waits per worker; `capacity` is a hard bound.

    BOOKING_GRACE = 1.0  # seconds a booking is kept after it falls due, for a caller that is a little late
    MAX_BOOKINGS = 64

    def __init__(
        self,
        workers: int,
        capacity: int,
        max_latency: float = DEFAULT_MAX_LATENCY,
        *,
        max_job_seconds: float | None = None,
        alpha: float = 0.2,
        margin: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if workers < 1 or capacity < workers or max_latency <= 0 or not 0 < alpha <= 1 or margin < 0:
            raise ValueError("need workers >= 1, capacity >= workers, max_latency > 0, 0 < alpha <= 1, margin >= 0")
        self.workers = workers
        self.capacity = capacity
        self.max_latency = max_latency
        self.max_job_seconds = max_job_seconds
        self.alpha = alpha
        self.margin = margin
        self.clock = clock
        self.estimates: dict[str, ServiceEstimate] = {}
        self._jobs: dict[int, Ticket] = {}  # admitted and not finished, in admission (= FIFO) order
        self._bookings: list[tuple[float, float]] = []  # (due time, expected service) promised by Retry-After
        self._numbers = itertools.count()

    @property
    def admitted(self) -> int:
        return len(self._jobs)

    @property
    def booked(self) -> int:
        """Refused callers told to come back (bookings not yet taken or expired)."""
        self._expire(self.clock())
        return len(self._bookings)

    def service_time(self, kind: str, cost: float, *, margin: float = 0.0) -> float | None:
        """Estimated seconds to run a `kind` job of `cost` (mean + margin x deviation); None if not learnt yet."""
        est = self.estimates.get(kind)
        if est is None or est.mean is None:
            return None
        return cost * (est.mean + margin * est.deviation)

    def expected_wait(self) -> float | None:
        """Expected seconds before a newcomer admitted now would start (behind the bookings); None if unknown."""
        now = self.clock()
        self._expire(now)
        return self._wait(now, self._bookings)

    def _wait(self, now: float, bookings: list[tuple[float, float]]) -> float | None:
        """FIFO schedule of running, queued, then booked jobs onto the workers: when the next worker is free."""
        free_at = []  # when each worker frees up, then each queued job taken by the earliest free worker
        queued = []
        for job in self._jobs.values():  # jobs ahead count at mean + margin x deviation too: the budget is a p95
            expected = self.service_time(job.kind, job.cost, margin=self.margin)
            if expected is None:
                if len(self._jobs) < self.workers and not bookings:
                    continue  # a worker is free anyway
                return None
            if job.started is None:
                queued.append(expected)
            else:
                free_at.append(max(0.0, expected - (now - job.started)))
        free_at += [0.0] * max(0, self.workers - len(free_at))
        heapq.heapify(free_at)
        for expected in queued:
            heapq.heappush(free_at, heapq.heappop(free_at) + expected)
        for due, expected in bookings:
            heapq.heappush(free_at, max(heapq.heappop(free_at), due - now) + expected)
        return free_at[0]

    def _expire(self, now: float) -> None:
        self._bookings = [b for b in self._bookings if b[0] + self.BOOKING_GRACE >= now]

    def admit(self, kind: str, cost: float = 1.0) -> Ticket:
        """A ticket for a new job, or PoolFull (with Retry-After) / JobTooLong if it should not be admitted."""
        now = self.clock()
        self._expire(now)
        own = self.service_time(kind, cost)
        if own is not None and self.max_job_seconds is not None and own > self.max_job_seconds:
            raise JobTooLong(own, self.max_job_seconds)
        if len(self._jobs) >= self.capacity:  # the hard bound: refused before a booking is used up
            raise self._refuse(now, _retry_after(self._wait(now, self._bookings)), own)
        if self._bookings and self._bookings[0][0] <= now:
            self._bookings.pop(0)  # this caller is taken to be the one told to come back now: it goes first
            ahead: list[tuple[float, float]] = []
        else:
            ahead = self._bookings
        # a kind not learnt yet counts as instant here (so it gets to run and be learnt, e.g. a first corpus
        # query on a busy server); behind unknown work (_wait is None) at most one job waits per worker
        service = self.service_time(kind, cost, margin=self.margin) or 0.0
        wait = self._wait(now, ahead)
        free_now = len(self._jobs) < self.workers
        if ahead:  # earlier callers were promised slots: a newcomer goes behind them, or fills a gap before them
            if not (free_now and now + service <= ahead[0][0]):
                raise self._refuse(now, self._fits_in(wait, service), own)
        elif not free_now:  # with a free worker a job is always admitted
            if wait is None:  # behind work of unknown length: at most one job waits per worker
                if len(self._jobs) >= 2 * self.workers:
                    raise self._refuse(now, 1, own)
            elif wait + service > self.max_latency:
                raise self._refuse(now, self._fits_in(wait, service), own)
        ticket = Ticket(kind, cost, next(self._numbers))
        self._jobs[ticket.number] = ticket
        return ticket

    def _fits_in(self, wait: float | None, service: float) -> int:
        """Retry-After for a refused job: when it should be back so as to be admitted without leaving a worker idle.

        A job over the budget must find a worker free: come back when one should be (rounded up). Otherwise it fits
        while its wait is at most the slack (budget - service): aim at the middle of that window (rounded).
        """
        if wait is None:
            return 1
        if service > self.max_latency:
            return _retry_after(wait)
        return max(1, math.floor(wait - (self.max_latency - service) / 2 + 0.5))

    def _refuse(self, now: float, retry_after: int, service: float | None) -> PoolFull:
        if len(self._bookings) < self.MAX_BOOKINGS:
            self._bookings.append((now + retry_after, service or 0.0))
            self._bookings.sort()
        return PoolFull(retry_after)

    def start(self, ticket: Ticket) -> None:
        ticket.started = self.clock()

    def finish(self, ticket: Ticket, *, succeeded: bool = True) -> None:
        """Forget a job; a job that ran and succeeded updates its kind's service-time estimate."""
        self._jobs.pop(ticket.number, None)
        if succeeded and ticket.started is not None and ticket.cost > 0:
            elapsed = max(0.0, self.clock() - ticket.started)
            self.estimates.setdefault(ticket.kind, ServiceEstimate()).observe(elapsed / ticket.cost, self.alpha)


def _retry_after(seconds: float | None) -> int:
    """Retry-After is whole seconds (RFC 9110); at least 1."""
    return max(1, math.ceil(seconds)) if seconds is not None else 1


class WorkerPool:
    """Runs blocking work (analysis, corpus queries) off the event loop in `workers` threads, behind `Admission`.

    A job that cannot meet the deadline is refused at once with PoolFull (503 + Retry-After), never queued unbounded."""

    def __init__(
        self,
        workers: int = 2,
        queue: int = 8,
        max_latency: float = DEFAULT_MAX_LATENCY,
        *,
        max_job_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("workers must be >= 1 and queue >= 0")
        self.workers = workers
        self.capacity = workers + queue
        self.admission = Admission(workers, self.capacity, max_latency, max_job_seconds=max_job_seconds, clock=clock)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsaudit-worker")
        self._lock = threading.Lock()

    @property
    def admitted(self) -> int:
        """Jobs running or waiting right now."""
        return self.admission.admitted

    def status(self) -> dict[str, Any]:
        """Load and the learnt service times, for /api/health."""
        with self._lock:
            wait = self.admission.expected_wait()
            return {
                "admitted": self.admission.admitted,
                "booked": self.admission.booked,
                "expected_wait_s": None if wait is None else round(wait, 3),
                "max_latency_s": self.admission.max_latency,
                "seconds_per_unit": {
                    kind: round(est.mean, 4) for kind, est in self.admission.estimates.items() if est.mean is not None
                },
            }

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(*args, **kwargs)` in a worker thread as an "other" job of cost 1 (corpus queries and the like)."""
        return await self.run_job("other", 1.0, fn, *args, **kwargs)

    async def run_job(self, kind: str, cost: float, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` as a job of `kind` and `cost` if admitted; raise PoolFull (busy) or JobTooLong otherwise."""
        with self._lock:
            ticket = self.admission.admit(kind, cost)
        succeeded = False

        def job() -> T:
            nonlocal succeeded
            with self._lock:
                self.admission.start(ticket)
            result = fn(*args, **kwargs)
            succeeded = True
            return result

        def done(_future: object) -> None:
            with self._lock:
                self.admission.finish(ticket, succeeded=succeeded)

        try:
            future = self._executor.submit(job)
        except BaseException:
            done(None)
            raise
        future.add_done_callback(done)
        return await asyncio.wrap_future(future)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class BodySizeLimit:
    """ASGI middleware: answers 413 when a request body is (declared or turns out to be) over `max_bytes`."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _send_error(send, 400, "the Content-Length header is not a number")
                return
            if too_big:
                await _send_error(send, 413, f"the request body is over the {self.max_bytes}-byte limit")
                return

        received = 0
        response_started = False
        refused = False

        async def limited_receive() -> Message:
            nonlocal received, refused, response_started
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not refused:
                    refused = True
                    if not response_started:
                        response_started = True
                        await _send_error(send, 413, f"the request body is over the {self.max_bytes}-byte limit")
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return  # the 413 has been sent; whatever the app answers after that is dropped
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        with contextlib.suppress(_BodyTooLarge):
            await self.app(scope, limited_receive, tracking_send)


class _BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the cap."""


async def _send_error(send: Send, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
