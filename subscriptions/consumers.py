"""The GraphQL websocket consumer: session or bearer-token identity."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.utils.crypto import constant_time_compare
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from core.models import User
from core.selectors.accounts import terms_pending
from core.services.tokens import bearer_secret, token_authenticate


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


async def socket_user(consumer: Any) -> User | None:
    """Who the socket speaks for now, or None once that has ended.

    Asked again before every event is sent: the session may have been
    logged out, the token revoked, the account closed, or the terms of use
    changed since the socket opened. The fresh user object also carries
    fresh relations (they are memoised per user object).
    """
    user: User | None = await database_sync_to_async(_current_user)(consumer.scope)
    if user is None or terms_pending(user):
        return None
    consumer.scope["user"] = user
    return user


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
