"""The service as a user runs it: a Daphne process on loopback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from websockets.sync.client import connect
from websockets.typing import Subprotocol

pytestmark = pytest.mark.live
ROOT = Path(__file__).resolve().parent.parent
_START_TIMEOUT = 30.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
        except OSError:
            time.sleep(0.2)
        else:
            return
    pytest.fail(f"{url} did not answer within {_START_TIMEOUT}s")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "project.asgi:application",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings"},
        stderr=subprocess.PIPE,
    )
    base = f"127.0.0.1:{port}"
    try:
        _wait_for(f"http://{base}/healthz", process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


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
