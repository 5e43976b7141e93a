"""A socket speaks for its user only while the credential it opened with holds.

Every operation on a socket is authenticated afresh, and a socket whose
token, session or account ends is closed within a second with a code the
client can act on: 4401 NOT_AUTHENTICATED (sign in again) or 4412
TERMS_NOT_ACCEPTED (accept the newer terms). A refused subscription gets an
`error` message with the code the HTTP API gives, never a silent complete.
"""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.hashers import make_password

from core import events
from core.models import ApiToken, User
from core.services.tokens import token_create, token_revoke
from subscriptions import consumers
from tests.sockets import ask, closing, open_socket, send, signed_in_client

pytestmark = pytest.mark.django_db(transaction=True)

PUPILS = "{ me { username } pupils(first: 5) { edges { node { name } } } }"
BADGE = "subscription { noticeBadge { unreadCount } }"
TOKEN_CREATE = 'mutation { tokenCreate(input: {name: "more"}) { secret errors { code } } }'
ENDED = (4401, "NOT_AUTHENTICATED")


async def token_socket(user: User) -> tuple[WebsocketCommunicator, str]:
    _, secret = await database_sync_to_async(token_create)(user=user, name="test")
    return await open_socket(secret), secret


async def revoke(secret: str) -> None:
    token = await ApiToken.objects.aget(prefix=secret[:10])
    await database_sync_to_async(token_revoke)(token=token)


def deactivate(user: User) -> None:
    user.is_active = False
    user.save()


def change_password(user: User) -> None:
    user.password = make_password("a-new-password-2")
    user.save()


async def test_a_query_on_an_open_socket_runs_as_the_user(cast):
    # given
    socket, _ = await token_socket(cast["guardian"])

    # when
    answer = await ask(socket, PUPILS)

    # then
    assert answer == {
        "data": {
            "me": {"username": cast["guardian"].username},
            "pupils": {"edges": [{"node": {"name": "Alva Elev"}}]},
        }
    }
    await socket.disconnect()


async def test_revoking_the_token_closes_its_socket_within_a_second(cast):
    # given
    socket, secret = await token_socket(cast["guardian"])

    # when
    await revoke(secret)

    # then
    assert await closing(socket) == ENDED
    await socket.disconnect()


async def test_an_operation_after_the_token_ended_closes_the_socket_and_answers_nothing(
    cast, monkeypatch
):
    # given: the event that would close the socket is lost
    monkeypatch.setattr(events, "get_channel_layer", lambda: None)
    socket, secret = await token_socket(cast["guardian"])
    await revoke(secret)

    # when
    await send(socket, PUPILS)

    # then
    assert await closing(socket) == ENDED
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_socket_on_a_revoked_token_mints_no_new_token(cast, monkeypatch):
    # given
    monkeypatch.setattr(events, "get_channel_layer", lambda: None)
    socket, secret = await token_socket(cast["guardian"])
    await revoke(secret)

    # when
    await send(socket, TOKEN_CREATE)

    # then
    assert await closing(socket) == ENDED
    assert await ApiToken.objects.filter(user=cast["guardian"]).acount() == 1
    await socket.disconnect()


async def test_revoking_another_token_leaves_the_socket_open(cast):
    # given
    socket, _ = await token_socket(cast["guardian"])
    _, other = await database_sync_to_async(token_create)(user=cast["guardian"], name="other")

    # when
    await revoke(other)

    # then
    assert (await ask(socket, "{ me { username } }"))["data"] == {
        "me": {"username": cast["guardian"].username}
    }
    await socket.disconnect()


async def test_signing_out_closes_the_sessions_socket_within_a_second(cast):
    # given
    client, session = await signed_in_client(cast["guardian"])
    socket = await open_socket(cookie=session)
    assert (await ask(socket, "{ me { username } }"))["data"]["me"] is not None

    # when
    await database_sync_to_async(client.post)(
        "/graphql/",
        {"query": "mutation { logout { ok } }"},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value}
        if "csrftoken" in client.cookies
        else {},
    )

    # then
    assert await closing(socket) == ENDED
    await socket.disconnect()


async def test_signing_out_on_the_login_page_closes_the_socket_too(cast):
    # given
    client, session = await signed_in_client(cast["guardian"])
    socket = await open_socket(cookie=session)

    # when
    await database_sync_to_async(client.post)("/accounts/logout/")

    # then
    assert await closing(socket) == ENDED
    await socket.disconnect()


async def test_another_session_of_the_user_stays_open(cast):
    # given
    client, _ = await signed_in_client(cast["guardian"])
    _, other_session = await signed_in_client(cast["guardian"])
    socket = await open_socket(cookie=other_session)

    # when
    await database_sync_to_async(client.post)("/accounts/logout/")

    # then
    assert (await ask(socket, "{ me { username } }"))["data"] == {
        "me": {"username": cast["guardian"].username}
    }
    await socket.disconnect()


async def test_deactivating_the_account_closes_its_sockets(cast):
    # given
    by_token, _ = await token_socket(cast["guardian"])
    _, session = await signed_in_client(cast["guardian"])
    by_session = await open_socket(cookie=session)

    # when
    await database_sync_to_async(deactivate)(cast["guardian"])

    # then
    assert (await closing(by_token), await closing(by_session)) == (ENDED, ENDED)
    await by_token.disconnect()
    await by_session.disconnect()


async def test_a_new_password_closes_the_sessions_socket_but_not_a_tokens(cast):
    # given
    by_token, _ = await token_socket(cast["guardian"])
    _, session = await signed_in_client(cast["guardian"])
    by_session = await open_socket(cookie=session)

    # when
    await database_sync_to_async(change_password)(cast["guardian"])

    # then: a session rests on the password, a token does not
    assert await closing(by_session) == ENDED
    assert (await ask(by_token, "{ me { username } }"))["data"] == {
        "me": {"username": cast["guardian"].username}
    }
    await by_token.disconnect()
    await by_session.disconnect()


async def test_a_newer_terms_version_closes_the_socket_on_its_next_check(cast, settings):
    # given
    settings.SOCKET_RECHECK_SECONDS = 0.2
    socket, _ = await token_socket(cast["guardian"])

    # when
    settings.TERMS_VERSION = "2099-01"

    # then
    assert await closing(socket) == (4412, "TERMS_NOT_ACCEPTED")
    await socket.disconnect()


async def test_an_expired_token_closes_the_socket_on_its_next_check(cast, settings):
    # given
    settings.SOCKET_RECHECK_SECONDS = 0.2
    socket, secret = await token_socket(cast["guardian"])

    # when
    await ApiToken.objects.filter(prefix=secret[:10]).aupdate(expires_at="2000-01-01T00:00Z")

    # then
    assert await closing(socket) == ENDED
    await socket.disconnect()


async def test_a_subscription_without_a_sign_in_gets_an_error_message(cast):
    # given
    socket = await open_socket()

    # when
    await send(socket, BADGE)

    # then
    assert await socket.receive_json_from(timeout=5) == {
        "id": "1",
        "type": "error",
        "payload": [{"message": "Sign in first.", "extensions": {"code": "NOT_AUTHENTICATED"}}],
    }
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()


async def test_a_subscription_before_the_terms_are_accepted_gets_an_error_message(cast):
    # given
    await User.objects.filter(pk=cast["guardian"].pk).aupdate(terms_version="")
    socket, _ = await token_socket(cast["guardian"])

    # when
    await send(socket, BADGE)

    # then
    assert await socket.receive_json_from(timeout=5) == {
        "id": "1",
        "type": "error",
        "payload": [
            {
                "message": "Accept the terms of use first (mutation termsAccept).",
                "extensions": {"code": "TERMS_NOT_ACCEPTED"},
            }
        ],
    }
    await socket.disconnect()


async def test_a_socket_opened_before_the_terms_were_accepted_stays_open(cast, settings):
    # given
    settings.SOCKET_RECHECK_SECONDS = 0.2
    await User.objects.filter(pk=cast["guardian"].pk).aupdate(terms_version="")
    socket, _ = await token_socket(cast["guardian"])

    # when
    answer = await ask(socket, PUPILS)

    # then: the terms gate answers, as over HTTP; the socket stays open
    assert answer["errors"][0]["extensions"] == {"code": "TERMS_NOT_ACCEPTED"}
    assert await socket.receive_nothing(timeout=0.5)
    await socket.disconnect()


async def test_a_socket_with_no_sign_in_runs_queries_anonymously(cast):
    # given
    socket = await open_socket()

    # when
    answer = await ask(socket, PUPILS)

    # then
    assert answer["data"] == {"me": None, "pupils": {"edges": []}}
    await socket.disconnect()


async def test_revoking_the_token_in_the_admin_closes_its_socket(cast):
    # given
    socket, secret = await token_socket(cast["guardian"])
    token = await ApiToken.objects.aget(prefix=secret[:10])

    # when: the admin's change form saves the row itself
    token.revoked_at = token.created_at
    await database_sync_to_async(token.save)()

    # then
    assert await closing(socket) == ENDED
    await socket.disconnect()


async def test_deleting_the_token_closes_its_socket(cast):
    # given
    socket, secret = await token_socket(cast["guardian"])

    # when
    await database_sync_to_async(ApiToken.objects.filter(prefix=secret[:10]).delete)()

    # then
    assert await closing(socket) == ENDED
    await socket.disconnect()


async def test_credential_events_leave_nothing_queued_on_the_socket(cast, monkeypatch):
    # given
    made: list[consumers.GraphQLConsumer] = []
    original = consumers.GraphQLConsumer.__init__

    def init(self, *args: object, **kwargs: object) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(consumers.GraphQLConsumer, "__init__", init)
    socket, _ = await token_socket(cast["guardian"])

    # when: five other tokens of the user come and go
    for n in range(5):
        other, _ = await database_sync_to_async(token_create)(user=cast["guardian"], name=f"{n}")
        await database_sync_to_async(token_revoke)(token=other)
    await asyncio.sleep(0.3)

    # then
    assert [queue.qsize() for queue in made[0].listen_queues["credential.changed"]] == [0]
    await socket.disconnect()


async def test_a_credential_that_cannot_be_checked_closes_the_socket(cast, monkeypatch, caplog):
    # given
    socket, _ = await token_socket(cast["guardian"])

    def database_away(_credential):
        raise RuntimeError("database away")

    monkeypatch.setattr(consumers, "_current_user", database_away)

    # when
    await send(socket, "{ me { username } }")

    # then
    assert await closing(socket) == (1011, "UNAVAILABLE")
    assert [r.getMessage() for r in caplog.records if r.levelname == "ERROR"] == [
        "Could not check a socket's credential"
    ]
    await socket.disconnect()
