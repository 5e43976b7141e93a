"""Failed sign-ins are throttled per login name and per client address (axes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from channels.db import database_sync_to_async as sync_to_async
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connections
from django.test import AsyncClient, Client

from core.models import User
from tests.factories import PASSWORD, UserFactory
from tests.graphql import over_http

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { viewer { username } errors { code message } }
}"""
WRONG = {
    "viewer": None,
    "errors": [{"code": "INVALID_CREDENTIALS", "message": "Wrong username or password."}],
}
THROTTLED = {
    "viewer": None,
    "errors": [
        {"code": "LOGIN_THROTTLED", "message": "Too many failed sign-ins; try again later."}
    ],
}


@pytest.fixture(autouse=True)
def _low_limits(settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3  # LOGIN_FAILURE_LIMIT
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 5
    # The count does not depend on the hash, and Argon2 makes each try slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def a_user() -> User:
    """A user whose password is hashed with the fast test hasher."""
    return UserFactory(password=make_password(PASSWORD))


def login(client: Client, username: str, password: str, **extra: Any) -> dict[str, Any]:
    response = over_http(client, LOGIN, {"u": username, "p": password}, **extra)
    assert response.status_code == 200
    return response.json()["data"]["login"]  # type: ignore[no-any-return]


def ok(username: str) -> dict[str, Any]:
    return {"viewer": {"username": username}, "errors": []}


@pytest.mark.django_db
def test_after_the_limit_even_the_right_password_is_refused():
    # given
    user = a_user()
    browser = Client()

    # when
    answers = [login(browser, user.username, "wrong") for _ in range(3)]
    right = login(browser, user.username, PASSWORD)

    # then
    assert (answers, right) == ([WRONG, WRONG, THROTTLED], THROTTLED)
    assert "sessionid" not in browser.cookies


@pytest.mark.django_db
def test_an_unknown_name_is_answered_like_a_known_one():
    # given
    user = a_user()

    # when
    known = [login(Client(), user.username, "wrong") for _ in range(4)]
    unknown = [
        login(Client(), "nobody@exempelby.example.com", "wrong", REMOTE_ADDR="192.0.2.9")
        for _ in range(4)
    ]

    # then
    assert known == unknown == [WRONG, WRONG, THROTTLED, THROTTLED]


@pytest.mark.django_db
def test_one_address_that_fails_too_often_is_throttled_for_every_name():
    # given
    user = a_user()
    for n in range(5):
        login(Client(), f"guess{n}@exempelby.example.com", "wrong")

    # when
    same_address = login(Client(), user.username, PASSWORD)
    other_address = login(Client(), user.username, PASSWORD, REMOTE_ADDR="192.0.2.9")

    # then
    assert (same_address, other_address) == (THROTTLED, ok(user.username))


@pytest.mark.django_db
def test_failures_under_the_address_limit_throttle_only_their_own_names():
    # given
    user = a_user()
    for n in range(4):
        login(Client(), f"guess{n}@exempelby.example.com", "wrong")

    # when
    answer = login(Client(), user.username, PASSWORD)

    # then
    assert answer == ok(user.username)


@pytest.mark.django_db
def test_an_administrator_lifts_a_lockout():
    # given
    user = a_user()
    for _ in range(3):
        login(Client(), user.username, "wrong")

    # when
    call_command("axes_reset_username", user.username)
    answer = login(Client(), user.username, PASSWORD)

    # then
    assert answer == ok(user.username)


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(settings):
    # given
    user = a_user()
    for _ in range(3):
        login(Client(), user.username, "wrong")
    login(Client(), user.username, PASSWORD)  # refused, and not counted
    cooled = dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES, seconds=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - cooled
        )

    # when
    answer = login(Client(), user.username, PASSWORD)

    # then
    assert answer == ok(user.username)


@pytest.mark.django_db
def test_a_successful_sign_in_clears_the_names_failures():
    # given
    user = a_user()
    for _ in range(2):
        login(Client(), user.username, "wrong")
    login(Client(), user.username, PASSWORD)
    for _ in range(2):
        login(Client(), user.username, "wrong")

    # when
    answer = login(Client(), user.username, PASSWORD)

    # then
    assert answer == ok(user.username)


@pytest.mark.django_db
def test_a_successful_sign_in_leaves_the_addresss_count_of_other_names():
    # given
    user = a_user()
    for n in range(4):
        login(Client(), f"guess{n}@exempelby.example.com", "wrong")
    login(Client(), user.username, PASSWORD)

    # when
    answer = login(Client(), "guess9@exempelby.example.com", "wrong")

    # then
    assert answer == THROTTLED


@pytest.mark.django_db
def test_djangos_login_page_is_throttled_too():
    # given
    user = a_user()
    browser = Client()
    for _ in range(2):
        browser.post("/accounts/login/", {"username": user.username, "password": "wrong"})

    # when
    third = browser.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    right = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})

    # then
    assert (third.status_code, right.status_code, right.content.decode()) == (
        429,
        429,
        "Too many failed sign-ins; try again later.",
    )
    assert "sessionid" not in browser.cookies


@pytest.fixture
async def _asgi_connections_closed():
    """AsyncClient leaves its connection open in asgiref's one sync thread."""
    yield
    await sync_to_async(connections.close_all)()


async def _alogin(client: AsyncClient, username: str, password: str) -> tuple[int, Any]:
    response = await client.post(
        "/graphql/",
        {"query": LOGIN, "variables": {"u": username, "p": password}},
        content_type="application/json",
    )
    return response.status_code, response.json()["data"]["login"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_asgi_connections_closed")
async def test_over_asgi_a_lockout_is_the_typed_error_not_axes_page():
    # given
    user = await sync_to_async(a_user)()
    for _ in range(2):
        await _alogin(AsyncClient(), user.username, "wrong")

    # when
    third = await _alogin(AsyncClient(), user.username, "wrong")
    right = await _alogin(AsyncClient(), user.username, PASSWORD)

    # then
    assert (third, right) == ((200, THROTTLED), (200, THROTTLED))


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("_asgi_connections_closed")
async def test_over_asgi_djangos_login_page_answers_429():
    # given
    user = await sync_to_async(a_user)()
    for _ in range(3):
        await _alogin(AsyncClient(), user.username, "wrong")

    # when
    response = await AsyncClient().post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}
    )

    # then
    assert (response.status_code, response.content.decode()) == (
        429,
        "Too many failed sign-ins; try again later.",
    )


@pytest.mark.django_db
def test_a_name_longer_than_any_account_is_wrong_not_an_error():
    # when
    answer = login(Client(), "a" * 151, "wrong")

    # then
    assert (answer, AccessAttempt.objects.count()) == (WRONG, 0)
