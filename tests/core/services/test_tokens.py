"""Token lifetimes: one service for the command and the mutation."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.models import ApiToken
from core.services.errors import Invalid
from core.services.tokens import token_authenticate, token_create
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def lifetime_in_days(token: ApiToken) -> int:
    assert token.expires_at is not None
    return round((token.expires_at - token.created_at) / dt.timedelta(days=1))


def test_a_token_without_days_expires_after_the_default(settings):
    # given
    settings.TOKEN_DEFAULT_DAYS = 90

    # when
    token, _ = token_create(user=UserFactory(), name="app")

    # then
    assert lifetime_in_days(token) == 90


@pytest.mark.parametrize("days", [0, -1, 366, 100_000])
def test_days_out_of_range_are_refused(days):
    # when
    with pytest.raises(Invalid) as error:
        token_create(user=UserFactory(), name="app", days=days)

    # then
    assert (error.value.message, error.value.field) == ("days must be between 1 and 365.", "days")
    assert ApiToken.objects.count() == 0


def test_a_child_asked_for_more_days_than_its_parent_has_is_refused():
    # given
    user = UserFactory()
    parent, _ = token_create(user=user, name="app", days=5)

    # when
    with pytest.raises(Invalid) as error:
        token_create(user=user, name="child", days=6, parent=parent)

    # then
    assert (error.value.message, error.value.field) == (
        "days must be at most 4: the token this request signed in with expires sooner.",
        "days",
    )


def test_a_parent_that_expires_within_a_day_asks_for_no_days():
    # given
    user = UserFactory()
    parent, _ = token_create(user=user, name="app", days=5)
    ApiToken.objects.filter(pk=parent.pk).update(expires_at=timezone.now() + dt.timedelta(hours=2))
    parent.refresh_from_db()

    # when
    with pytest.raises(Invalid) as error:
        token_create(user=user, name="child", days=1, parent=parent)

    # then
    assert (error.value.message, error.value.field) == (
        "Leave days out: the token this request signed in with expires within a day.",
        "days",
    )


def test_a_child_within_its_parents_life_keeps_its_days():
    # given
    user = UserFactory()
    parent, _ = token_create(user=user, name="app", days=30)

    # when
    child, _ = token_create(user=user, name="child", days=7, parent=parent)

    # then
    assert lifetime_in_days(child) == 7


def test_a_token_without_an_expiry_does_not_authenticate():
    # given
    token, secret = token_create(user=UserFactory(), name="app")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)

    # when / then
    assert token_authenticate(secret) is None


def test_the_command_refuses_days_beyond_the_maximum():
    # given
    user = UserFactory()

    # when
    with pytest.raises(CommandError) as error:
        call_command("token_create", user.username, "--days", "100000")

    # then
    assert (str(error.value), ApiToken.objects.count()) == ("days must be between 1 and 365.", 0)


def test_the_command_prints_only_the_secret_of_a_token_that_expires(capsys, settings):
    # given
    settings.TOKEN_DEFAULT_DAYS = 90
    user = UserFactory()

    # when
    call_command("token_create", user.username)
    out = capsys.readouterr().out

    # then
    token = ApiToken.objects.get()
    assert (out.strip().splitlines()[-1][:10], lifetime_in_days(token)) == (token.prefix, 90)
    assert token_authenticate(out.strip()) == user


def test_the_migration_gives_tokens_without_an_expiry_the_longest_lifetime(settings):
    # given
    settings.TOKEN_MAX_DAYS = 365
    token, _ = token_create(user=UserFactory(), name="old")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    migration = importlib.import_module("core.migrations.0005_tokens_expire")
    before = timezone.now()

    # when
    migration.give_expiry(apps, None)

    # then
    expires_at = ApiToken.objects.get(pk=token.pk).expires_at
    assert expires_at is not None
    assert round((expires_at - before) / dt.timedelta(days=1)) == 365
