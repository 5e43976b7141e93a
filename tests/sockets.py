"""Sockets on the ASGI application in the test process, as a client opens them."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from core.models import User
from permissions.assurance import Assurance
from project.asgi import application
from tests.graphql import client_for

PROTOCOL = "graphql-transport-ws"


async def open_socket(
    secret: str | None = None, cookie: str | None = None
) -> WebsocketCommunicator:
    """A socket past connection_ack: with a bearer token, a session cookie, or neither."""
    headers = [(b"cookie", f"sessionid={cookie}".encode())] if cookie else []
    socket = WebsocketCommunicator(
        application, "/graphql/", headers=headers, subprotocols=[PROTOCOL]
    )
    connected, _ = await socket.connect()
    assert connected
    payload = {"authorization": f"Bearer {secret}"} if secret else {}
    await socket.send_json_to({"type": "connection_init", "payload": payload})
    assert (await socket.receive_json_from())["type"] == "connection_ack"
    return socket


async def signed_in_client(
    user: User, assurance: Assurance = Assurance.SUBSTANTIAL
) -> tuple[Client, str]:
    """A browser client signed in as `user` (strongly unless said), and its session key."""
    client = await database_sync_to_async(client_for)(user, assurance)
    return client, client.cookies["sessionid"].value


async def send(
    socket: WebsocketCommunicator,
    query: str,
    op: str = "1",
    variables: dict[str, Any] | None = None,
) -> None:
    """Start an operation (query, mutation or subscription) on the socket."""
    payload = {"query": query, "variables": variables or {}}
    await socket.send_json_to({"id": op, "type": "subscribe", "payload": payload})


async def ask(socket: WebsocketCommunicator, query: str, op: str = "1") -> dict[str, Any]:
    """Run a query or mutation on the socket and return its `next` payload."""
    await send(socket, query, op)
    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "next", message
    assert (await socket.receive_json_from(timeout=5))["type"] == "complete"
    return message["payload"]  # type: ignore[no-any-return]


async def closing(socket: WebsocketCommunicator) -> tuple[int, str]:
    """The code and reason the server closes the socket with, within a second."""
    message = await socket.receive_output(timeout=1)
    assert message["type"] == "websocket.close", message
    return message["code"], message.get("reason", "")
