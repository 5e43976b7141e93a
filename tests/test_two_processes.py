"""Two server processes sharing Redis: a change served by one lights a badge on the other."""

from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.servers import (
    GUARDIAN,
    PASSWORD,
    ROOT,
    STRANGER,
    TEACHER,
    accept_terms,
    closed_with,
    daphne,
    demo_database,
    graphql,
    pupil_id,
    socket_on,
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
DEACTIVATE = (
    "from core.models import User; u = User.objects.get(username={!r}); "
    "u.is_active = False; u.save()"
)


@contextmanager
def badge_socket(base: str, token: str) -> Iterator[ClientConnection]:
    with connect(
        f"ws://{base}/graphql/",
        subprotocols=[Subprotocol("graphql-transport-ws")],
        open_timeout=10,
    ) as socket:
        socket.send(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
        )
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
                1,
                {"text": "Nytt inlägg i lärloggen"},
            )
            assert strangers == ({"unreadCount": 0, "newest": None},) * 2
            assert (silent(stranger_here), silent(stranger_there)) == (True, True)


def test_revoking_a_token_on_one_process_closes_its_socket_on_the_other(tmp_path):
    # given: a second token of the guardian's, its socket on the second process
    with demo_database(tmp_path) as env, daphne(env) as first, daphne(env) as second:
        main = token_for(env, GUARDIAN)
        accept_terms(first, main)
        created = graphql(
            first,
            'mutation { tokenCreate(input: {name: "app"}) '
            "{ secret token { id } errors { code } } }",
            token=main,
        )
        app = created["data"]["tokenCreate"]
        with socket_on(second, token=app["secret"]) as socket:
            # when
            revoked = graphql(
                first,
                "mutation($i: ID!) { tokenRevoke(input: {id: $i}) { errors { code } } }",
                {"i": app["token"]["id"]},
                main,
            )

            # then
            assert (revoked, closed_with(socket)) == (
                {"data": {"tokenRevoke": {"errors": []}}},
                4401,
            )


def test_signing_out_on_one_process_closes_the_sessions_socket_on_the_other(tmp_path):
    # given: a browser signed in on the first process, its socket on the second
    with demo_database(tmp_path) as env, daphne(env) as first, daphne(env) as second:
        browser = Browser(first)
        signed_in = browser.post(
            "mutation($u: String!, $p: String!) { login(input: "
            "{username: $u, password: $p}) { errors { code } } }",
            {"u": GUARDIAN, "p": PASSWORD},
        )
        with socket_on(second, cookie=browser.cookie_header()) as socket:
            socket.send(
                json.dumps(
                    {"id": "1", "type": "subscribe", "payload": {"query": "{ me { username } }"}}
                )
            )
            me = json.loads(socket.recv(timeout=10))["payload"]["data"]

            # when
            signed_out = browser.post("mutation { logout { ok } }")

            # then
            assert (signed_in, me, signed_out) == (
                {"data": {"login": {"errors": []}}},
                {"me": {"username": GUARDIAN}},
                {"data": {"logout": {"ok": True}}},
            )
            assert closed_with(socket) == 4401


def test_deactivating_an_account_closes_its_sockets_on_every_process(tmp_path):
    # given
    with demo_database(tmp_path) as env, daphne(env) as first, daphne(env) as second:
        token = token_for(env, GUARDIAN)
        accept_terms(first, token)
        with socket_on(first, token=token) as here, socket_on(second, token=token) as there:
            # when: an administrator closes the account from another process
            subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [sys.executable, "manage.py", "shell", "-c", DEACTIVATE.format(GUARDIAN)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )

            # then
            assert (closed_with(here), closed_with(there)) == (4401, 4401)


class Browser:
    """A browser's cookie jar and the CSRF header its pages send."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Origin": f"http://{self.base}"}
        csrf = next((c.value for c in self.jar if c.name == "csrftoken"), None)
        if csrf:
            headers["X-CSRFToken"] = csrf
        request = urllib.request.Request(
            f"http://{self.base}/graphql/",
            headers=headers,
            data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        )
        with self.opener.open(request, timeout=10) as response:
            body: dict[str, Any] = json.loads(response.read())
        return body

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)
