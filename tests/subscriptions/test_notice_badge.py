"""The live badge over graphql-transport-ws, in one process (in-memory layer or Redis).

Each test opens real sockets on the ASGI application, makes a change with
the services as another user, and reads what each socket is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from core.models import ApiToken, Guardianship, QuestionRole, User
from core.selectors import notices
from core.services import plans
from core.services.tokens import token_create, token_revoke
from permissions.assurance import Assurance, stamp
from schema.notices import subscriptions
from tests.cast import end_guardianships
from tests.sockets import closing, open_socket, send, signed_in_client
from tests.workflows import Work

pytestmark = pytest.mark.django_db(transaction=True)

BADGE = "subscription { noticeBadge { unreadCount newest { text changes } } }"
QUIET = 0.3  # seconds to wait for a message that must not come


async def open_badge(user: User) -> WebsocketCommunicator:
    """A socket signed in with a fresh token of `user`, subscribed to the badge."""
    # A token made by a strong sign-in, as a family's app gets one.
    strong = stamp(user, Assurance.SUBSTANTIAL)
    _, secret = await database_sync_to_async(token_create)(user=strong, name="test")
    return await open_badge_on(secret)


async def next_badge(socket: WebsocketCommunicator) -> dict[str, Any]:
    message = await socket.receive_json_from(timeout=5)
    assert message["type"] == "next", message
    return message["payload"]["data"]["noticeBadge"]  # type: ignore[no-any-return]


def answer(work: Work, text: str, version: int | None) -> None:
    pupil = work.cast["pupil"]
    assert isinstance(pupil, User)
    plans.answer_save(
        actor=pupil,
        plan_id=work.plan.pk,
        question_id=work.pupil_question.pk,
        role=QuestionRole.PUPIL,
        text_=text,
        version=version,
    )


async def test_the_badge_shows_the_count_at_once_and_lights_on_a_change(work):
    # given
    socket = await open_badge(work.cast["guardian"])
    first = await next_badge(socket)

    # when
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # then
    assert (first, await next_badge(socket)) == (
        {"unreadCount": 0, "newest": None},
        {
            "unreadCount": 1,
            "newest": {"text": "Nytt svar i utvecklingsplanen HT2026", "changes": 1},
        },
    )
    await socket.disconnect()


async def test_further_changes_fold_into_one_notice(work):
    # given
    socket = await open_badge(work.cast["guardian"])
    await next_badge(socket)
    await database_sync_to_async(answer)(work, "Läsa", 1)
    await next_badge(socket)

    # when
    await database_sync_to_async(answer)(work, "Läsa och rita", 2)

    # then
    assert await next_badge(socket) == {
        "unreadCount": 1,
        "newest": {"text": "Nytt svar i utvecklingsplanen HT2026", "changes": 2},
    }
    await socket.disconnect()


async def test_a_stranger_socket_receives_nothing_after_its_first_count(work):
    # given
    stranger = await open_badge(work.cast["stranger"])
    first = await next_badge(stranger)

    # when
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # then
    assert first == {"unreadCount": 0, "newest": None}
    assert await stranger.receive_nothing(timeout=QUIET)
    await stranger.disconnect()


async def test_the_actor_is_not_told_of_their_own_change(work):
    # given
    pupil = await open_badge(work.cast["pupil"])
    await next_badge(pupil)

    # when
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # then
    assert await pupil.receive_nothing(timeout=QUIET)
    await pupil.disconnect()


async def test_a_revoked_token_closes_the_badge_socket(work):
    # given
    socket = await open_badge(work.cast["guardian"])
    await next_badge(socket)
    token = await ApiToken.objects.filter(user=work.cast["guardian"]).afirst()

    # when
    await database_sync_to_async(token_revoke)(token=token)
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # then
    assert await closing(socket) == (4401, "NOT_AUTHENTICATED")
    assert await socket.receive_nothing(timeout=QUIET)
    await socket.disconnect()


async def test_losing_access_to_the_pupil_silences_the_socket(work):
    # given
    socket = await open_badge(work.cast["guardian"])
    await next_badge(socket)
    await database_sync_to_async(answer)(work, "Läsa", 1)
    assert (await next_badge(socket))["unreadCount"] == 1

    # when
    await database_sync_to_async(_end_guardianship)(work)
    await database_sync_to_async(answer)(work, "Läsa mer", 2)

    # then
    assert await socket.receive_nothing(timeout=QUIET)
    again = await open_badge(work.cast["guardian"])
    assert await next_badge(again) == {"unreadCount": 0, "newest": None}
    await socket.disconnect()
    await again.disconnect()


async def test_a_reconnecting_client_gets_the_current_count_at_once(work):
    # given
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # when
    socket = await open_badge(work.cast["guardian"])

    # then
    assert (await next_badge(socket))["unreadCount"] == 1
    await socket.disconnect()


async def test_many_sockets_of_one_user_all_light_up(work):
    # given
    sockets = [await open_badge(work.cast["guardian"]) for _ in range(3)]
    await asyncio.gather(*(next_badge(s) for s in sockets))

    # when
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # then
    counts = await asyncio.gather(*(next_badge(s) for s in sockets))
    assert [c["unreadCount"] for c in counts] == [1, 1, 1]
    for socket in sockets:
        await socket.disconnect()


def _end_guardianship(work: Work) -> None:
    end_guardianships(Guardianship.objects.filter(pupil=work.cast.alva))


async def test_signing_out_closes_a_browser_badge_socket(work):
    # given
    client, session = await signed_in_client(work.cast["guardian"])
    socket = await open_socket(cookie=session)
    await send(socket, BADGE)
    first = await next_badge(socket)

    # when
    await database_sync_to_async(client.post)(
        "/graphql/", {"query": "mutation { logout { ok } }"}, content_type="application/json"
    )

    # then
    assert (first["unreadCount"], await closing(socket)) == (0, (4401, "NOT_AUTHENTICATED"))
    await database_sync_to_async(answer)(work, "Läsa", 1)
    assert await socket.receive_nothing(timeout=QUIET)
    await socket.disconnect()


async def open_badge_on(secret: str) -> WebsocketCommunicator:
    """A socket on an existing token, subscribed to the badge."""
    socket = await open_socket(secret)
    await send(socket, BADGE)
    return socket


async def test_tabs_on_one_token_share_one_trip_to_the_database_per_change(work, monkeypatch):
    # given: twenty tabs of the guardian on one token, each showing the badge
    strong = stamp(work.cast["guardian"], Assurance.SUBSTANTIAL)
    _, secret = await database_sync_to_async(token_create)(user=strong, name="t")
    sockets = [await open_badge_on(secret) for _ in range(20)]
    for socket in sockets:
        await next_badge(socket)
    badges: list[int] = []
    counted = notices.unread_badge

    def counting(user: User) -> Any:
        badges.append(user.pk)
        return counted(user)

    monkeypatch.setattr(subscriptions, "unread_badge", counting)

    # when
    await database_sync_to_async(answer)(work, "Läsa", 1)

    # then: every tab lit, the badge worked out once
    assert [(await next_badge(socket))["unreadCount"] for socket in sockets] == [1] * 20
    assert badges == [work.cast["guardian"].pk]
    for socket in sockets:
        await socket.disconnect()
