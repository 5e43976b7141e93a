from __future__ import annotations

import datetime as dt

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from core.models import ApiToken
from core.services.tokens import token_create, token_revoke
from project.asgi import application
from tests.factories import PASSWORD, UserFactory
from tests.graphql import over_http

ME = "{ me { username displayName } }"
LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { viewer { username } errors { code message } }
}"""


@pytest.mark.django_db
def test_login_starts_a_session_that_answers_me():
    # given
    user = UserFactory(username="karin@vh.exempelby.example.com", person__given_name="Karin")
    browser = Client(enforce_csrf_checks=True)

    # when
    login = over_http(browser, LOGIN, {"u": user.username, "p": PASSWORD})
    me = over_http(browser, ME, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)

    # then
    assert login.json() == {
        "data": {"login": {"viewer": {"username": user.username}, "errors": []}}
    }
    assert me.json() == {
        "data": {"me": {"username": user.username, "displayName": "Karin Exempelsson"}}
    }


@pytest.mark.django_db
def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong():
    # given
    user = UserFactory()

    # when
    response = over_http(Client(), LOGIN, {"u": user.username, "p": "wrong"})

    # then
    assert response.json() == {
        "data": {
            "login": {
                "viewer": None,
                "errors": [
                    {"code": "INVALID_CREDENTIALS", "message": "Wrong username or password."}
                ],
            }
        }
    }
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_after_login_a_post_without_the_csrf_token_is_refused():
    # given
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    over_http(browser, LOGIN, {"u": user.username, "p": PASSWORD})

    # when
    response = over_http(browser, ME)

    # then
    assert (response.status_code, response.json()["errors"][0]["message"]) == (
        403,
        "CSRF check failed: CSRF token missing.",
    )


@pytest.mark.django_db
def test_logout_ends_the_session():
    # given
    browser = Client()
    browser.force_login(UserFactory())

    # when
    over_http(browser, "mutation { logout { ok } }")

    # then
    assert over_http(browser, ME).json() == {"data": {"me": None}}


@pytest.mark.django_db
def test_a_bearer_token_authenticates_without_csrf():
    # given
    user = UserFactory()
    _, secret = token_create(user=user, name="app")

    # when
    response = over_http(
        Client(enforce_csrf_checks=True), ME, HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    # then
    assert response.json()["data"]["me"]["username"] == user.username


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "inactive user"])
def test_a_bad_token_gets_401(state):
    # given
    user = UserFactory()
    token, secret = token_create(user=user, name="app", days=1)
    if state == "revoked":
        token_revoke(token=token)
    elif state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    elif state == "unknown":
        secret += "x"
    else:
        user.is_active = False
        user.save()

    # when
    response = over_http(Client(), ME, HTTP_AUTHORIZATION=f"Bearer {secret}")

    # then
    assert (response.status_code, response["WWW-Authenticate"], response.json()) == (
        401,
        'Bearer error="invalid_token"',
        {"errors": [{"message": "The bearer token is invalid, expired or revoked."}]},
    )


@pytest.mark.django_db
def test_only_the_digest_of_a_token_is_stored():
    # given
    user = UserFactory()

    # when
    token, secret = token_create(user=user, name="app")

    # then
    stored = ApiToken.objects.values_list("prefix", "digest").get(pk=token.pk)
    assert (secret.startswith("sks_"), stored[0], secret in stored[1]) == (
        True,
        secret[:10],
        False,
    )


@pytest.mark.django_db
def test_token_create_and_revoke_mutations():
    # given
    user = UserFactory()
    browser = Client()
    browser.force_login(user)

    # when
    created = over_http(
        browser,
        'mutation { tokenCreate(input: {name: "iPad", days: 30}) { token { id name } secret errors { code } } }',
    )
    payload = created.json()["data"]["tokenCreate"]
    revoked = over_http(
        browser,
        f'mutation {{ tokenRevoke(input: {{id: "{payload["token"]["id"]}"}}) {{ token {{ revokedAt }} errors {{ code }} }} }}',
    )
    after = over_http(Client(), ME, HTTP_AUTHORIZATION=f"Bearer {payload['secret']}")

    # then
    assert (payload["token"]["name"], payload["errors"]) == ("iPad", [])
    assert revoked.json()["data"]["tokenRevoke"]["errors"] == []
    assert after.status_code == 401


@pytest.mark.django_db
def test_a_token_of_someone_else_cannot_be_revoked():
    # given
    token, _ = token_create(user=UserFactory(), name="theirs")
    browser = Client()
    browser.force_login(UserFactory())

    # when
    response = over_http(
        browser,
        f'mutation {{ tokenRevoke(input: {{id: "{token.pk}"}}) {{ token {{ id }} errors {{ code }} }} }}',
    )

    # then
    assert response.json() == {
        "data": {"tokenRevoke": {"token": None, "errors": [{"code": "NOT_FOUND"}]}}
    }
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("days", "message"),
    [(0, "days must be between 1 and 365."), (400, "days must be between 1 and 365.")],
)
def test_token_lifetimes_are_bounded(days, message):
    # given
    browser = Client()
    browser.force_login(UserFactory())

    # when
    response = over_http(
        browser,
        f'mutation {{ tokenCreate(input: {{name: "x", days: {days}}}) {{ secret errors {{ code message field }} }} }}',
    )

    # then
    assert response.json() == {
        "data": {
            "tokenCreate": {
                "secret": None,
                "errors": [{"code": "VALIDATION", "message": message, "field": "days"}],
            }
        }
    }
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_token_create_command_prints_a_working_token(capsys):
    # given
    user = UserFactory(username="tove@exempelby.example.com")

    # when
    call_command("token_create", user.username, "--name", "script", "--days", "7")
    secret = capsys.readouterr().out.strip()

    # then
    assert (
        over_http(Client(), ME, HTTP_AUTHORIZATION=f"Bearer {secret}").json()["data"]["me"][
            "username"
        ]
        == user.username
    )


@pytest.mark.django_db
def test_token_create_command_refuses_an_unknown_user():
    # when
    with pytest.raises(CommandError) as error:
        call_command("token_create", "nobody")

    # then
    assert str(error.value) == "No active user 'nobody'."


async def _ws_me(headers: list[tuple[bytes, bytes]], payload: dict[str, object] | None = None):
    socket = WebsocketCommunicator(
        application, "/graphql/", subprotocols=["graphql-transport-ws"], headers=headers
    )
    await socket.connect()
    await socket.send_json_to({"type": "connection_init", "payload": payload or {}})
    first = await socket.receive_output()
    if first["type"] == "websocket.close":
        return first
    await socket.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": ME}})
    result = await socket.receive_json_from()
    await socket.disconnect()
    return result["payload"]["data"]["me"]


@pytest.mark.django_db(transaction=True)
async def test_a_token_in_connection_init_identifies_the_socket():
    # given
    user = await sync_to_async(UserFactory)(person__given_name="Tove")
    _, secret = await sync_to_async(token_create)(user=user, name="app")

    # when
    me = await _ws_me([], {"authorization": f"Bearer {secret}"})

    # then
    assert me == {"username": user.username, "displayName": "Tove Exempelsson"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("state", ["revoked", "unknown"])
async def test_a_bad_token_in_connection_init_closes_the_socket(state):
    # given
    user = await sync_to_async(UserFactory)()
    token, secret = await sync_to_async(token_create)(user=user, name="app")
    if state == "revoked":
        await sync_to_async(token_revoke)(token=token)
    else:
        secret = "sks_unknown"

    # when
    closed = await _ws_me([], {"authorization": f"Bearer {secret}"})

    # then
    assert closed == {"type": "websocket.close", "code": 4403, "reason": "Forbidden"}


@pytest.mark.django_db(transaction=True)
async def test_a_browser_session_identifies_the_socket():
    # given
    user = await sync_to_async(UserFactory)(person__given_name="Karin")
    browser = Client()
    await sync_to_async(browser.force_login)(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()

    # when
    me = await _ws_me([(b"cookie", cookie)])

    # then
    assert me == {"username": user.username, "displayName": "Karin Exempelsson"}


@pytest.mark.django_db(transaction=True)
async def test_an_anonymous_socket_has_no_viewer():
    # when
    me = await _ws_me([])

    # then
    assert me is None


@pytest.mark.django_db
def test_djangos_login_page_signs_in_with_csrf():
    # given
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/accounts/login/")

    # when
    refused = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    accepted = browser.post(
        "/accounts/login/",
        {
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
    )

    # then
    assert (page.status_code, refused.status_code, accepted.status_code, accepted["Location"]) == (
        200,
        403,
        302,
        "/graphql/",
    )
    assert (
        over_http(browser, ME, HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value).json()["data"][
            "me"
        ]["username"]
        == user.username
    )
