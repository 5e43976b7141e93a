"""One computation per key, its result shared by every socket that asks.

After a change, every open socket of a user receives the same event and
must re-authorize and reload the badge. Hundreds of tabs of one user on a
process would do the same work hundreds of times, one after another on the
process's database thread, so the last tab would wait for all the others.
Keyed by the event's id (with the credential or the user), the work is done
once per process: it starts after the event arrived, so it sees the change
the event tells of, and a later event has another id and is worked out
again. Results are kept for a moment for sockets that read the event late.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from django.db import connections

T = TypeVar("T")
KEEP_SECONDS = 2.0
# Threads of a process that answer its sockets' database work, each on its own
# kept connection. On PostgreSQL two let the server work for two users at once
# (more only queued on this two-core machine); SQLite runs in the process and
# gains nothing but lock waits for the writers from a second reader.
DATABASE_THREADS = {"postgresql": 2}


class Shared:
    """Shares the result of `compute()` among the callers of one key."""

    def __init__(self, keep: float = KEEP_SECONDS) -> None:
        self.keep = keep
        self._futures: dict[Hashable, asyncio.Future[Any]] = {}

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The result for `key`: computed now, or by the caller who asked first."""
        future = self._futures.get(key)
        if future is None:
            future = asyncio.ensure_future(compute())
            self._futures[key] = future
            future.add_done_callback(lambda _: self._forget_later(key, future))
        # shield: a socket that closes while waiting does not cancel the others' result.
        result: T = await asyncio.shield(future)
        return result

    def _forget_later(self, key: Hashable, future: asyncio.Future[Any]) -> None:
        if future.cancelled() or future.exception() is not None:
            self._forget(key, future)  # a failure is not shared with later callers
            return
        asyncio.get_running_loop().call_later(self.keep, self._forget, key, future)

    def _forget(self, key: Hashable, future: asyncio.Future[Any]) -> None:
        if self._futures.get(key) is future:
            del self._futures[key]


class Batch:
    """Work for the database, gathered while it is busy, done in few trips.

    After a change the sockets of many users wake at once. Their work is
    split between a few threads of this process's own (`DATABASE_THREADS`),
    so the database answers several users at a time, and work that comes
    while a trip is under way goes in the next one. Each thread keeps its
    connection: opening one cost more than a badge's queries (persistent
    connections are off under ASGI, so `database_sync_to_async` opens and
    closes one per call), and a kept connection keeps its prepared badge
    statement. A connection is closed once an error leaves it unusable.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._running = False
        self._task: asyncio.Task[None] | None = None  # kept: the loop holds tasks weakly
        self._executor: ThreadPoolExecutor | None = None
        self.threads = 1

    def close(self) -> None:
        """Close every thread's kept connection (they reopen when next used).

        A barrier holds each closing task until all have started, so each
        runs on a thread of its own and closes that thread's connections.
        """
        if self._executor is None:
            return
        barrier = threading.Barrier(self.threads)

        def close_here() -> None:
            barrier.wait(timeout=10)
            connections.close_all()

        for done in [self._executor.submit(close_here) for _ in range(self.threads)]:
            done.result(timeout=20)

    def _threads(self) -> ThreadPoolExecutor:
        if self._executor is None:  # on first use, once the settings are read
            self.threads = DATABASE_THREADS.get(connections["default"].vendor, 1)
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="socket-db")
        return self._executor

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on a database thread, with whatever else is waiting."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((work, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().call_soon(self._start)
        return await future

    def _start(self) -> None:
        self._task = asyncio.ensure_future(self._trips())

    async def _trips(self) -> None:
        loop, executor = asyncio.get_running_loop(), self._threads()
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                shares = [batch[i :: self.threads] for i in range(min(self.threads, len(batch)))]
                done = await asyncio.gather(
                    *(
                        loop.run_in_executor(executor, _each, [w for w, _ in share])
                        for share in shares
                    ),
                    return_exceptions=True,
                )
                for share, outcomes in zip(shares, done, strict=True):
                    _settle(share, outcomes)
        finally:
            self._running = False


def _settle(
    share: list[tuple[Callable[[], Any], asyncio.Future[Any]]],
    outcomes: list[tuple[bool, Any]] | BaseException,
) -> None:
    """Hand each caller its result or its error."""
    if isinstance(outcomes, BaseException):  # the trip itself failed: tell every caller
        outcomes = [(False, outcomes)] * len(share)
    for (_, future), (ok, value) in zip(share, outcomes, strict=True):
        if future.done():
            continue  # its socket went away meanwhile
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)


def _each(works: list[Callable[[], Any]]) -> list[tuple[bool, Any]]:
    """Run each piece of work, keeping its result or its error apart from the others'."""
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred:
            if not connection.is_usable():
                connection.close()  # reconnects on the next query
            connection.errors_occurred = False
    outcomes: list[tuple[bool, Any]] = []
    for work in works:
        try:
            outcomes.append((True, work()))
        except Exception as error:  # noqa: BLE001 -- handed to the caller who asked for it
            outcomes.append((False, error))
    return outcomes
