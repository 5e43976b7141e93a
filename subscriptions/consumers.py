"""The GraphQL websocket consumer: session or bearer-token identity."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

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
        return await super().on_ws_connect(context)
