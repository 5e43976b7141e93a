"""Websocket routes: GraphQL over graphql-transport-ws only."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.routing import URLRouter
from django.urls import re_path
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from schema import schema
from subscriptions.consumers import GraphQLConsumer
from subscriptions.origin import BrowserOriginValidator

websocket_application = BrowserOriginValidator(
    AuthMiddlewareStack(
        URLRouter(
            [
                re_path(
                    r"^graphql/?$",
                    GraphQLConsumer.as_asgi(
                        schema=schema,
                        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                    ),
                ),
            ]
        )
    )
)
