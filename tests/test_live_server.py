"""The service as a user runs it: a Daphne process on loopback."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.servers import daphne

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """One Daphne process with the environment of this run, on a free loopback port."""
    with daphne({**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings"}) as base:
        yield base


def test_typename_over_http(server):
    # given
    request = urllib.request.Request(
        f"http://{server}/graphql/",
        data=json.dumps({"query": "{ __typename }"}).encode(),
        headers={"Content-Type": "application/json"},
    )

    # when
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        body = json.loads(response.read())

    # then
    assert body == {"data": {"__typename": "Query"}}


def test_typename_over_websocket(server):
    # given
    with connect(
        f"ws://{server}/graphql/", subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        ws.send(json.dumps({"type": "connection_init"}))
        ack = json.loads(ws.recv(timeout=5))

        # when
        ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        )
        result = json.loads(ws.recv(timeout=5))

    # then
    assert (ws.subprotocol, ack) == ("graphql-transport-ws", {"type": "connection_ack"})
    assert result == {"id": "1", "type": "next", "payload": {"data": {"__typename": "Query"}}}
