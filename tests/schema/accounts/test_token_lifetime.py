"""`tokenCreate`: every token expires, and none outlives the token that made it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from core.models import ApiToken
from core.services.tokens import token_create
from tests.factories import UserFactory
from tests.graphql import over_http

pytestmark = pytest.mark.django_db


def token_create_mutation(client: Client, args: str, **headers: Any) -> dict[str, Any]:
    query = (
        f"mutation {{ tokenCreate(input: {{{args}}}) {{ token {{ id expiresAt }} secret "
        "errors { code message field } } }"
    )
    return over_http(client, query, **headers).json()["data"]["tokenCreate"]  # type: ignore[no-any-return]


def lifetime_in_days(token_id: str) -> int:
    token = ApiToken.objects.get(pk=int(token_id))
    assert token.expires_at is not None
    return round((token.expires_at - token.created_at) / dt.timedelta(days=1))


def test_a_token_asked_without_days_expires_after_the_default(settings):
    # given
    settings.TOKEN_DEFAULT_DAYS = 30
    browser = Client()
    browser.force_login(UserFactory())

    # when
    payload = token_create_mutation(browser, 'name: "iPad"')

    # then
    assert (payload["errors"], lifetime_in_days(payload["token"]["id"])) == ([], 30)


def test_days_beyond_the_configured_maximum_are_refused(settings):
    # given
    settings.TOKEN_MAX_DAYS = 30
    browser = Client()
    browser.force_login(UserFactory())

    # when
    payload = token_create_mutation(browser, 'name: "iPad", days: 31')

    # then
    assert payload == {
        "token": None,
        "secret": None,
        "errors": [
            {"code": "VALIDATION", "message": "days must be between 1 and 30.", "field": "days"}
        ],
    }
    assert ApiToken.objects.count() == 0


def test_a_token_cannot_make_a_token_that_outlives_it():
    # given
    _, secret = token_create(user=UserFactory(), name="app", days=10)

    # when
    payload = token_create_mutation(
        Client(), 'name: "longer", days: 30', HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    # then
    assert payload == {
        "token": None,
        "secret": None,
        "errors": [
            {
                "code": "VALIDATION",
                "message": "days must be at most 9: the token this request signed in with expires sooner.",
                "field": "days",
            }
        ],
    }
    assert ApiToken.objects.count() == 1


def test_without_days_a_token_made_with_a_token_expires_with_it():
    # given
    parent, secret = token_create(user=UserFactory(), name="app", days=10)

    # when
    payload = token_create_mutation(
        Client(), 'name: "child"', HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    # then
    child = ApiToken.objects.get(pk=int(payload["token"]["id"]))
    assert (payload["errors"], child.expires_at) == ([], parent.expires_at)
