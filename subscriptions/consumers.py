"""The GraphQL websocket consumer: session or bearer-token identity."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from core.models import User
from core.selectors.accounts import terms_pending
from core.services.tokens import bearer_secret, token_authenticate
from subscriptions.shared import Batch, Shared

_shared = Shared()
_batch = Batch()
T = TypeVar("T")


class GraphQLConsumer(GraphQLWSConsumer):  # type: ignore[misc]
    """graphql-transport-ws over Channels.

    A browser is known by its session cookie (AuthMiddlewareStack). Other
    clients put `{"authorization": "Bearer ..."}` in the connection_init
    payload; a bad token closes the socket with 4403 before anything runs.
    """

    async def on_ws_connect(self, context: Any) -> Any:
        """Swap in the token's user, or refuse the connection."""
        params = context.get("connection_params") or {}
        header = params.get("authorization") or params.get("Authorization")
        if header:
            secret = bearer_secret(str(header))
            user = await database_sync_to_async(token_authenticate)(secret) if secret else None
            if user is None:
                raise ConnectionRejectionError({"message": "Invalid or expired token."})
            self.scope["user"] = user
            self.scope["bearer_secret"] = secret  # kept in memory to re-check it later
        return await super().on_ws_connect(context)


async def on_behalf(
    consumer: Any, work: Callable[[User], T], event: str | None = None
) -> T | None:
    """`work(user)` for whom the socket speaks now, or None once that has ended.

    Asked again before every event is sent: the session may have been
    logged out, the token revoked, the account closed, or the terms of use
    changed since the socket opened. The fresh user object also carries
    fresh relations (they are memoised per user object). The check and the
    work are one trip to the database thread, and sockets on the same
    credential that answer the same `event` make that trip once between them
    (`subscriptions.shared`).
    """
    scope = consumer.scope
    credential = _credential(scope)
    if credential is None:
        return None

    def call() -> Awaitable[tuple[User, T] | None]:
        return _batch.run(lambda: _as_current_user(scope, work))

    found: tuple[User, T] | None
    if event is None:
        found = await call()
    else:
        found = await _shared.get((credential, event, work), call)
    if found is None:
        return None
    user, result = found
    scope["user"] = user
    return result


def close_database_threads() -> None:
    """Close the connections the sockets' database threads keep (tests, shutdown)."""
    _batch.close()


def _as_current_user(scope: dict[str, Any], work: Callable[[User], T]) -> tuple[User, T] | None:
    user = _current_user(scope)
    if user is None or terms_pending(user):
        return None
    return user, work(user)


def _credential(scope: dict[str, Any]) -> tuple[str, str] | None:
    """What the socket signed in with: its token, or its session."""
    secret = scope.get("bearer_secret")
    if secret:
        return ("token", str(secret))
    key = getattr(scope.get("session"), "session_key", None)
    return ("session", str(key)) if key else None


def _current_user(scope: dict[str, Any]) -> User | None:
    secret = scope.get("bearer_secret")
    if secret:
        return token_authenticate(str(secret))
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return None
    # A fresh store: the socket's own copy still holds what it read at connect.
    stored = import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)
    user = User.objects.filter(pk=stored.get(SESSION_KEY), is_active=True).first()
    if user is None or not constant_time_compare(
        stored.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
    ):
        return None
    return user
