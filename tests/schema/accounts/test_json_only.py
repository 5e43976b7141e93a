"""Sign-in and tokens are refused in a multipart form (login CSRF)."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.test import Client

from core.models import ApiToken
from tests.factories import PASSWORD, UserFactory

LOGIN = """mutation($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) { viewer { username } errors { code message } }
}"""
TOKEN_CREATE = 'mutation { tokenCreate(input: {name: "x"}) { secret errors { code message } } }'
JSON_REQUIRED = [
    {"code": "JSON_REQUIRED", "message": "Send this mutation as an application/json POST."}
]


def form_post(client: Client, query: str, variables: dict[str, object] | None = None):
    """What a foreign page's <form enctype="multipart/form-data"> can send."""
    operations = json.dumps({"query": query, "variables": variables or {}})
    return client.post("/graphql/", {"operations": operations, "map": "{}"})


@pytest.mark.django_db
def test_a_login_posted_as_a_form_gets_no_session():
    # given
    user = UserFactory()
    browser = Client(enforce_csrf_checks=True)  # and no cookie yet

    # when
    response = form_post(browser, LOGIN, {"u": user.username, "p": PASSWORD})

    # then
    assert response.json() == {"data": {"login": {"viewer": None, "errors": JSON_REQUIRED}}}
    assert ("sessionid" in response.cookies, AccessAttempt.objects.count()) == (False, 0)


@pytest.mark.django_db
def test_a_token_create_posted_as_a_form_makes_no_token():
    # given
    browser = Client()
    browser.force_login(UserFactory())

    # when
    response = form_post(browser, TOKEN_CREATE)

    # then
    assert response.json() == {"data": {"tokenCreate": {"secret": None, "errors": JSON_REQUIRED}}}
    assert ApiToken.objects.count() == 0


@pytest.mark.django_db
def test_a_logout_posted_as_a_form_keeps_the_session():
    # given
    browser = Client()
    browser.force_login(UserFactory())

    # when
    response = form_post(browser, "mutation { logout { ok errors { code message } } }")
    me = browser.post(
        "/graphql/", {"query": "{ me { username } }"}, content_type="application/json"
    )

    # then
    assert response.json() == {"data": {"logout": {"ok": False, "errors": JSON_REQUIRED}}}
    assert me.json()["data"]["me"] is not None
