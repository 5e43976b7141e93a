"""The websocket answers a weaker sign-in as HTTP does: STRONG_AUTH_REQUIRED, the rest served.

And a socket whose session ended between the handshake and connection_init
is anonymous: it never speaks for the user the handshake found, unchecked
(found by the outside review of the strong-login change).
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session

from core.models import LearningLogComment
from core.services.tokens import token_create
from permissions.assurance import Assurance, stamp
from project.asgi import application
from tests.sockets import PROTOCOL, ask, open_socket, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

STEP_UP = {
    "message": "Sign in with e-legitimation (for example BankID) to read or change a pupil's "
    "page; a password is not enough.",
    "extensions": {"code": "STRONG_AUTH_REQUIRED", "stepUp": "/login/?strong=1"},
}


async def answer_on(socket, work) -> dict[str, Any]:
    gid = work.gid(work.plan, "DevelopmentPlan")
    query = f'{{ me {{ username }} node(id: "{gid}") {{ ... on DevelopmentPlan {{ term }} }} }}'
    return await ask(socket, query)


@pytest.mark.parametrize(
    ("assurance", "told"), [(Assurance.LOW, True), (Assurance.LOA2, True), (Assurance.HIGH, False)]
)
async def test_a_sessions_socket_reads_the_page_only_when_strong(work, assurance, told):
    # given
    karin = work.cast["guardian"]
    _, key = await signed_in_client(karin, assurance)
    socket = await open_socket(cookie=key)

    # when
    answer = await answer_on(socket, work)

    # then
    await socket.disconnect()
    if told:
        assert answer == {
            "data": {"me": {"username": karin.username}, "node": None},
            "errors": [STEP_UP],
        }
    else:
        assert answer == {
            "data": {"me": {"username": karin.username}, "node": {"term": work.plan.term}}
        }


async def test_a_tokens_socket_is_as_strong_as_the_sign_in_that_made_it(work):
    # given
    karin = work.cast["guardian"]
    _, weak = await database_sync_to_async(token_create)(user=karin, name="weak")
    _, strong = await database_sync_to_async(token_create)(
        user=stamp(karin, Assurance.SUBSTANTIAL), name="strong"
    )
    weak_socket, strong_socket = await open_socket(weak), await open_socket(strong)

    # when
    weak_answer = await answer_on(weak_socket, work)
    strong_answer = await answer_on(strong_socket, work)

    # then
    await weak_socket.disconnect()
    await strong_socket.disconnect()
    assert weak_answer["data"]["node"] is None
    assert [e["extensions"] for e in weak_answer["errors"]] == [STEP_UP["extensions"]]
    assert strong_answer["data"]["node"] == {"term": work.plan.term}
    assert "errors" not in strong_answer


async def ended_before_init(key: str) -> WebsocketCommunicator:
    """A socket past its handshake on session `key`, which then ends, then connection_init."""
    socket = WebsocketCommunicator(
        application,
        "/graphql/",
        headers=[(b"cookie", f"sessionid={key}".encode())],
        subprotocols=[PROTOCOL],
    )
    assert (await socket.connect())[0]
    await database_sync_to_async(lambda: Session.objects.filter(session_key=key).delete())()
    await socket.send_json_to({"type": "connection_init", "payload": {}})
    assert (await socket.receive_json_from())["type"] == "connection_ack"
    return socket


async def test_a_socket_whose_session_ended_before_init_reads_nothing(work):
    # given: Karin's password session ends (logout, expiry, back-channel
    # logout) between the socket's handshake and its connection_init
    _, key = await signed_in_client(work.cast["guardian"], Assurance.LOW)
    socket = await ended_before_init(key)

    # when
    answer = await answer_on(socket, work)

    # then: the socket is anonymous
    await socket.disconnect()
    assert answer == {"data": {"me": None, "node": None}}


async def test_a_socket_whose_session_ended_before_init_changes_nothing(work):
    # given
    _, key = await signed_in_client(work.cast["guardian"], Assurance.LOW)
    socket = await ended_before_init(key)
    comments = await database_sync_to_async(LearningLogComment.objects.count)()

    # when: it comments on Alva's learning log
    entry = work.gid(work.entry, "LearningLogEntry")
    answer = await ask(
        socket,
        f'mutation {{ learningLogCommentCreate(input: {{entryId: "{entry}", text: "hej"}}) '
        "{ comment { text } errors { code } } }",
    )

    # then
    await socket.disconnect()
    assert answer == {
        "data": {
            "learningLogCommentCreate": {
                "comment": None,
                "errors": [{"code": "NOT_AUTHENTICATED"}],
            }
        }
    }
    assert await database_sync_to_async(LearningLogComment.objects.count)() == comments
