"""The provider's back-channel logout ends the session and closes its sockets, on every process.

Real processes on loopback: the test OpenID provider, and Daphne serving a
demo municipality. A guardian signs in with e-legitimation in a browser
(over HTTP), opens sockets on the session, then signs out at the provider,
as from another service of the same identity broker. The provider posts a
logout token to the service, and every socket on that session closes with
4401 at once, on both processes when they share Redis.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

from tests.servers import (
    GUARDIAN,
    civic_no_of,
    closed_with,
    daphne,
    demo_database,
    free_port,
    oidc_client,
    oidc_provider,
    oidc_settings,
    socket_on,
)
from tests.signin import Browser

pytestmark = pytest.mark.live
ME = json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ me { username } }"}})


@contextmanager
def service_with_provider(tmp_path, processes: int) -> Iterator[tuple[str, list[str], str]]:
    """The provider's URL, the service's processes (host:port) and the guardian's number."""
    with ExitStack() as stack:
        env = stack.enter_context(demo_database(tmp_path))
        ports = [free_port() for _ in range(processes)]
        first = f"http://127.0.0.1:{ports[0]}"
        client = oidc_client(
            "eid", first, backchannel=f"{first}/login/oidc/eid/backchannel-logout"
        )
        provider = stack.enter_context(oidc_provider(free_port(), [client]))
        env = {**env, "OIDC_PROVIDERS": json.dumps(oidc_settings(provider, "eid"))}
        bases = [stack.enter_context(daphne(env, port)) for port in ports]
        yield provider, bases, civic_no_of(env, GUARDIAN)


def signed_in(base: str, pnr: str) -> tuple[Browser, str]:
    """A browser signed in with e-legitimation, and its session cookie header."""
    browser = Browser(base=f"http://{base}")
    answer = browser.sign_in("eid", pnr=pnr, loa="loa3")
    assert (answer.status_code, answer.headers.get("Location")) == (302, "/")
    return browser, f"sessionid={browser.web.cookies['sessionid']}"


def who(socket) -> dict[str, Any]:
    socket.send(ME)
    data: dict[str, Any] = json.loads(socket.recv(timeout=10))["payload"]["data"]
    return data


def test_the_providers_logout_closes_the_sessions_socket(tmp_path):
    # given
    with service_with_provider(tmp_path, 1) as (provider, [base], pnr):
        browser, cookie = signed_in(base, pnr)
        with socket_on(base, cookie=cookie) as socket:
            before = who(socket)

            # when: signed out at the provider, not here
            ended = browser.end_at_provider(f"{provider}/session/end?client_id=eid")

            # then
            assert before == {"me": {"username": GUARDIAN}}
            assert ended.status_code == 303
            assert closed_with(socket, timeout=5) == 4401
        me = browser.web.get(
            f"http://{base}/graphql/", params={"query": "{ me { username } }"}, timeout=10
        ).json()
        assert me == {"data": {"me": None}}


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="processes share events only through Redis: set REDIS_URL (CI does)",
)
def test_the_providers_logout_closes_the_sessions_sockets_on_every_process(tmp_path):
    # given: sockets on both processes; the provider tells the first
    with service_with_provider(tmp_path, 2) as (provider, [first, second], pnr):
        browser, cookie = signed_in(first, pnr)
        with socket_on(first, cookie=cookie) as here, socket_on(second, cookie=cookie) as there:
            before = (who(here), who(there))

            # when
            browser.end_at_provider(f"{provider}/session/end?client_id=eid")

            # then
            assert before == ({"me": {"username": GUARDIAN}},) * 2
            assert (closed_with(here, timeout=5), closed_with(there, timeout=5)) == (4401, 4401)
