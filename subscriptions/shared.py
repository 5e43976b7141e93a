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
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

from channels.db import database_sync_to_async

T = TypeVar("T")
KEEP_SECONDS = 2.0


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

    def __len__(self) -> int:
        return len(self._futures)


class Batch:
    """Work for the database thread, gathered while it is busy, done in one trip.

    Every trip through `database_sync_to_async` opens and closes a database
    connection (persistent connections are off under ASGI), which costs
    more than the queries of one badge. After a change, the sockets of many
    users wake at once: their work goes together, one connection for all,
    and work that comes while a trip is under way goes in the next one.
    """

    def __init__(self) -> None:
        self._waiting: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._running = False
        self._task: asyncio.Task[None] | None = None  # kept: the loop holds tasks weakly

    async def run(self, work: Callable[[], T]) -> T:
        """`work()` on the database thread, with whatever else is waiting."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((work, future))
        if not self._running:
            self._running = True
            asyncio.get_running_loop().call_soon(self._start)
        return await future

    def _start(self) -> None:
        self._task = asyncio.ensure_future(self._trips())

    async def _trips(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    outcomes = await database_sync_to_async(_each)([work for work, _ in batch])
                except Exception as error:  # noqa: BLE001 -- the trip itself failed: tell every caller
                    outcomes = [(False, error)] * len(batch)
                for (_, future), (ok, value) in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue  # its socket went away meanwhile
                    if ok:
                        future.set_result(value)
                    else:
                        future.set_exception(value)
        finally:
            self._running = False


def _each(works: list[Callable[[], Any]]) -> list[tuple[bool, Any]]:
    """Run each piece of work, keeping its result or its error apart from the others'."""
    outcomes: list[tuple[bool, Any]] = []
    for work in works:
        try:
            outcomes.append((True, work()))
        except Exception as error:  # noqa: BLE001 -- handed to the caller who asked for it
            outcomes.append((False, error))
    return outcomes
