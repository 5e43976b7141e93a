"""The GraphQL websocket consumer: whom a socket speaks for, checked all along.

A browser is known by its session cookie (AuthMiddlewareStack); other
clients put `{"authorization": "Bearer ..."}` in the connection_init
payload, and a bad token closes the socket with 4403 before anything runs.
After that the credential is checked again before every operation (query,
mutation and subscription alike), whenever an event says it may have ended
(`core.events.credentials_changed`, sent over Redis to every
process) and every `SOCKET_RECHECK_SECONDS`. A socket whose credential has
ended is closed with `CLOSE_ENDED`; one whose user accepted the terms of use
and now owes a newer version, with `CLOSE_TERMS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.utils.crypto import constant_time_compare
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)

from core.events import CREDENTIAL_EVENT, session_digest, user_group
from core.models import User
from core.selectors.accounts import terms_pending
from core.services.tokens import bearer_secret, token_authenticate
from permissions.assurance import session_level, stamp
from subscriptions.shared import Batch, Shared

# Close codes a client acts on: sign in again, or accept the terms first. The
# codes alone tell them apart: Daphne sends no reason in its close frame.
CLOSE_ENDED = (4401, "NOT_AUTHENTICATED")
CLOSE_TERMS = (4412, "TERMS_NOT_ACCEPTED")
# The credential could not be checked (the database away): try again later.
CLOSE_UNAVAILABLE = (1011, "UNAVAILABLE")

logger = logging.getLogger(__name__)
_shared = Shared()
_batch = Batch()
T = TypeVar("T")
Credential = tuple[str, str]


class _TransportHandler(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws, with every operation authenticated afresh."""

    async def run_operation(self, operation: Operation[Any, Any]) -> None:
        """Run the operation for whom the socket speaks now, or close the socket."""
        consumer = cast("GraphQLConsumer", self.view)
        try:
            allowed = await consumer.authenticate_operation()
        except Exception:  # no way to know whom the socket speaks for: stop
            logger.exception("Could not check a socket's credential")
            await consumer.close_for(CLOSE_UNAVAILABLE)
            allowed = False
        if not allowed:
            self.operations.pop(operation.id, None)
            return
        await super().run_operation(operation)


class GraphQLConsumer(GraphQLWSConsumer):
    """graphql-transport-ws over Channels, for as long as the credential lasts."""

    graphql_transport_ws_handler_class = _TransportHandler

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._watch_task: asyncio.Task[None] | None = None
        self._terms_accepted = False
        self._closed = False
        self._close_task: asyncio.Future[None] | None = None  # kept: the loop holds tasks weakly

    async def on_ws_connect(self, context: Any) -> Any:
        """Settle whom the socket speaks for, or refuse the connection."""
        params = context.get("connection_params") or {}
        header = params.get("authorization") or params.get("Authorization")
        if header:
            secret = bearer_secret(str(header))
            user = await _batch.run(lambda: token_authenticate(secret)) if secret else None
            if user is None:
                raise ConnectionRejectionError({"message": "Invalid or expired token."})
            self.scope["credential"] = ("token", secret)
        else:
            key = getattr(self.scope.get("session"), "session_key", None)
            user = await _batch.run(lambda: _session_user(key)) if key else None
            if user is not None:
                self.scope["credential"] = ("session", key)
        if user is None:
            # Whoever the handshake found (AuthMiddlewareStack) may have signed
            # out since: a socket without a live credential is anonymous, never
            # that user unchecked.
            self.scope["user"] = AnonymousUser()
        else:
            self.scope["user"] = user
            self._terms_accepted = not terms_pending(user)
            self._watch_task = asyncio.ensure_future(self._watch(user.pk))
            self._watch_task.add_done_callback(self._watch_ended)
        return await super().on_ws_connect(context)

    async def authenticate_operation(self) -> bool:
        """Whether an operation may run now; a socket whose credential ended is closed.

        Sockets that signed in with nothing run their operations anonymously.
        """
        if "credential" not in self.scope:
            return True
        return await self._recheck(event=None)

    async def disconnect(self, code: int) -> None:
        """Stop watching the credential, then let Strawberry finish the operations."""
        if self._watch_task is not None:
            self._watch_task.cancel()
        await super().disconnect(code)

    async def _watch(self, user_id: int) -> None:
        """Check the credential on every credential event, and every little while."""
        group = user_group(user_id)
        async with self.listen_to_channel(CREDENTIAL_EVENT, groups=[group]) as events:
            # One read of the stream stays pending across timeouts: cancelling
            # it (as asyncio.wait_for would) would end the stream.
            pending = asyncio.ensure_future(anext(events))
            try:
                while True:
                    await asyncio.wait({pending}, timeout=settings.SOCKET_RECHECK_SECONDS)
                    message = pending.result() if pending.done() else None
                    if message is not None:
                        pending = asyncio.ensure_future(anext(events))
                    if not await self._still_holds(message):
                        return
            finally:
                pending.cancel()

    async def _still_holds(self, message: dict[str, Any] | None) -> bool:
        """Check after an event (or after none came in time); False once closed."""
        if message is not None and self._names_own_session(message):
            await self.close_for(CLOSE_ENDED)
            return False
        try:
            return await self._recheck(None if message is None else str(message.get("id")))
        except Exception:  # the database away: the next check tries again
            logger.exception("Could not check a socket's credential")
            return True

    def _watch_ended(self, task: asyncio.Task[None]) -> None:
        """A watch that failed (Redis away at connect) leaves the socket unwatched: close it."""
        if task.cancelled() or task.exception() is None:
            return
        logger.error("A socket's credential watch failed", exc_info=task.exception())
        self._close_task = asyncio.ensure_future(self.close_for(CLOSE_UNAVAILABLE))

    def _names_own_session(self, message: dict[str, Any]) -> bool:
        kind, key = self.scope["credential"]
        ended = message.get("ended_session")
        return kind == "session" and ended is not None and ended == session_digest(key)

    async def _recheck(self, event: str | None) -> bool:
        """Whether the credential still holds; if not, the socket is closed."""
        credential: Credential = self.scope["credential"]
        if event is None:
            user = await _batch.run(lambda: _current_user(credential))
        else:  # every socket on the credential that got this event asks once
            user = await _shared.get(
                (credential, event, "check"), lambda: _batch.run(lambda: _current_user(credential))
            )
        if user is None:
            await self.close_for(CLOSE_ENDED)
            return False
        if terms_pending(user):
            if self._terms_accepted:  # a newer version since: ask again
                await self.close_for(CLOSE_TERMS)
                return False
        else:
            self._terms_accepted = True
        self.scope["user"] = user
        return True

    async def on_behalf(self, work: Callable[[User], T], event: str | None = None) -> T | None:
        """`work(user)` for whom the socket speaks now, or None once that has ended.

        Asked again before every event is sent: the session may have been
        logged out, the token revoked, the account closed, or the terms of use
        changed since the socket opened. The fresh user object also carries
        fresh relations (they are memoised per user object). The check and the
        work are one trip to the database thread, and sockets on the same
        credential that answer the same `event` make that trip once between them
        (`subscriptions.shared`).
        """
        credential: Credential | None = self.scope.get("credential")
        if credential is None:
            return None

        def call() -> Awaitable[tuple[User, T] | None]:
            return _batch.run(lambda: _as_current_user(credential, work))

        found: tuple[User, T] | None
        if event is None:
            found = await call()
        else:
            found = await _shared.get((credential, event, work), call)
        if found is None:
            return None
        user, result = found
        self.scope["user"] = user
        return result

    async def close_for(self, close: tuple[int, str]) -> None:
        """Close the socket with one of the codes above; nothing is sent after."""
        code, reason = close
        self._closed = True
        with contextlib.suppress(Exception):  # already closing from the other side
            await self.close(code=code, reason=reason)

    async def send(
        self, text_data: str | None = None, bytes_data: bytes | None = None, close: bool = False
    ) -> None:
        """Send, unless this side closed the socket: operations still running say no more."""
        if not self._closed:
            await super().send(text_data, bytes_data, close)


def close_database_threads() -> None:
    """Close the connections the sockets' database threads keep (tests, shutdown)."""
    _batch.close()


def _as_current_user(credential: Credential, work: Callable[[User], T]) -> tuple[User, T] | None:
    user = _current_user(credential)
    if user is None or terms_pending(user):
        return None
    return user, work(user)


def _current_user(credential: Credential) -> User | None:
    """The active user a token or session still belongs to (on a database thread)."""
    kind, value = credential
    return token_authenticate(value) if kind == "token" else _session_user(value)


def _session_user(key: str) -> User | None:
    # A fresh store: the socket's own copy still holds what it read at connect.
    stored = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    user = User.objects.filter(pk=stored.get(SESSION_KEY), is_active=True).first()
    if user is None or not constant_time_compare(
        stored.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    ):
        return None
    return stamp(user, session_level(stored))  # as the HTTP requests of the session are
