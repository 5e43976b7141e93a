"""Two server processes sharing Redis: a change served by one lights a badge on the other."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.servers import (
    GUARDIAN,
    STRANGER,
    TEACHER,
    accept_terms,
    daphne,
    demo_database,
    pupil_id,
    token_for,
    write_log_entry,
)

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="processes share events only through Redis: set REDIS_URL (CI does)",
    ),
]
BADGE = "subscription { noticeBadge { unreadCount newest { text } } }"


@contextmanager
def badge_socket(base: str, token: str) -> Iterator[ClientConnection]:
    with connect(f"ws://{base}/graphql/", subprotocols=[Subprotocol("graphql-transport-ws")],
                 open_timeout=10) as socket:  # fmt: skip
        socket.send(json.dumps({"type": "connection_init",
                                "payload": {"authorization": f"Bearer {token}"}}))  # fmt: skip
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": BADGE}}))
        yield socket


def badge(socket: ClientConnection, timeout: float = 10) -> dict[str, Any]:
    message = json.loads(socket.recv(timeout=timeout))
    assert message["type"] == "next", message
    return message["payload"]["data"]["noticeBadge"]  # type: ignore[no-any-return]


def silent(socket: ClientConnection, timeout: float = 1.0) -> bool:
    try:
        socket.recv(timeout=timeout)
    except TimeoutError:
        return True
    return False


def test_a_change_on_one_process_reaches_a_socket_on_the_other_and_no_stranger(tmp_path):
    # given
    with demo_database(tmp_path) as env, daphne(env) as first, daphne(env) as second:
        tokens = {name: token_for(env, name) for name in (GUARDIAN, TEACHER, STRANGER)}
        for token in tokens.values():
            accept_terms(first, token)
        hugo = pupil_id(first, tokens[TEACHER], "Hugo Hägg")
        with (
            badge_socket(second, tokens[GUARDIAN]) as guardian,
            badge_socket(second, tokens[STRANGER]) as stranger_here,
            badge_socket(first, tokens[STRANGER]) as stranger_there,
        ):
            before = badge(guardian)
            strangers = (badge(stranger_here), badge(stranger_there))

            # when
            written = write_log_entry(first, tokens[TEACHER], hugo, "Vi mätte skolgården.")

            # then
            after = badge(guardian)
            assert written == {"data": {"learningLogEntryCreate": {"errors": []}}}
            assert (after["unreadCount"] - before["unreadCount"], after["newest"]) == (
                1, {"text": "Nytt inlägg i lärloggen"}
            )  # fmt: skip
            assert strangers == ({"unreadCount": 0, "newest": None},) * 2
            assert (silent(stranger_here), silent(stranger_there)) == (True, True)
