"""Request limits for the server: a body-size cap (ASGI middleware) and a bounded analysis worker pool."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")

DEFAULT_MAX_BODY_BYTES = 2_000_000


class PoolFull(Exception):
    """Every worker is busy and the wait queue is full: the caller should answer 503 with Retry-After."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("the server is busy; retry later")
        self.retry_after = retry_after


class WorkerPool:
    """Runs blocking work (analysis, corpus queries) off the event loop, with a hard bound on admitted jobs.

    At most `workers` jobs run at once and at most `queue` more wait; a job beyond that is refused at once
    with PoolFull instead of queueing without bound.
    """

    def __init__(self, workers: int = 2, queue: int = 8, retry_after: int = 1) -> None:
        if workers < 1 or queue < 0:
            raise ValueError("workers must be >= 1 and queue >= 0")
        self.workers = workers
        self.capacity = workers + queue
        self.retry_after = retry_after
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="newsaudit-worker")
        self._slots = threading.BoundedSemaphore(self.capacity)
        self._lock = threading.Lock()
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Jobs running or waiting right now."""
        return self._admitted

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(*args, **kwargs)` in a worker thread; raise PoolFull if the pool and its queue are full."""
        if not self._slots.acquire(blocking=False):
            raise PoolFull(self.retry_after)
        with self._lock:
            self._admitted += 1
        try:
            future = self._executor.submit(fn, *args, **kwargs)
        except BaseException:
            self._release()
            raise
        future.add_done_callback(lambda _f: self._release())
        return await asyncio.wrap_future(future)

    def _release(self) -> None:
        with self._lock:
            self._admitted -= 1
        self._slots.release()

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
