from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from core.models import Guardianship, User
from permissions.models import Access

pytestmark = pytest.mark.django_db


def repair(*args: str) -> str:
    out = io.StringIO()
    call_command("access_repair", *args, stdout=out)
    return out.getvalue()


def test_rows_kept_by_saves_match_the_relations(cast):
    # given the named cast, built with saves

    # when
    said = repair("--check", "--scopes")

    # then
    users = User.objects.filter(is_active=True).count()
    assert said.splitlines() == [
        "Access: 0 rows missing, 0 rows stale; all rows match the relations.",
        f"Scopes: {users} users, 7 scopes each, all agree.",
    ]


def test_a_change_past_the_models_fails_the_check_and_is_repaired(cast):
    # given: custody ended by a bulk update, which sends no signal
    karin = cast["guardian"]
    custody = Guardianship.objects.filter(guardian=karin.person)
    ended = dt.date(2026, 8, 14)
    # Custody open from before that day keeps a row that now ends on it.
    kept = custody.filter(start_date__isnull=True).count()
    custody.update(end_date=ended)
    rows = Access.objects.filter(person=karin.person, role="guardian").count()

    # when
    with pytest.raises(CommandError) as refused:
        repair("--check")
    repaired = repair()

    # then
    assert str(refused.value) == (
        f"Access rows differ from the relations: {kept} rows missing, {rows} rows stale."
    )
    assert repaired.splitlines()[-1] == (
        f"Access: {kept} rows missing, {rows} rows stale; repaired."
    )
    left = Access.objects.filter(person=karin.person, role="guardian")
    assert [kept, set(left.values_list("last_day", flat=True))] == [1, {ended}]
    assert repair("--check").splitlines() == [
        "Access: 0 rows missing, 0 rows stale; all rows match the relations."
    ]
