"""The badge query: compiled once a day for a stand-in, run with each viewer's ids.

It must be the very query Django compiles for the viewer, give the same
count and newest notice as `unread_count` and `notices_of`, and follow a
relation lost after it was compiled.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Count, Window

from core.models import Notice, User
from core.selectors.notices import badge_sql, notices_of, unread_badge, unread_count
from tests.cast import MEMBERS, VISIBLE_NOTICES, end_guardianship, fresh
from tests.workflows import Work, seed_notices

pytestmark = pytest.mark.django_db
SIGNED_IN = [member for member in MEMBERS if member != "anonymous"]


def fields(notice: Notice | None) -> dict[str, Any] | None:
    """Every column of a notice, as loaded."""
    if notice is None:
        return None
    return {f.attname: getattr(notice, f.attname) for f in Notice._meta.concrete_fields}


def compiled_for(viewer: User) -> tuple[str, tuple[Any, ...]]:
    """What Django compiles for the viewer's badge, from scratch."""
    unread = notices_of(viewer).filter(read_at__isnull=True)
    columns = [field.attname for field in Notice._meta.concrete_fields]
    first = unread.annotate(unread_total=Window(Count("pk"))).values_list(*columns, "unread_total")
    sql, params = first[:1].query.sql_with_params()
    return sql, tuple(params)


@pytest.mark.parametrize("member", SIGNED_IN)
def test_the_days_template_with_the_viewers_ids_is_the_viewers_own_query(work: Work, member):
    # given: the template compiled for someone else first
    badge_sql(fresh(work.cast, "stranger"))
    viewer = fresh(work.cast, member)

    # when
    found = badge_sql(viewer)

    # then
    assert found == compiled_for(fresh(work.cast, member))


def test_a_user_without_a_person_gets_their_own_query_too(work: Work):
    # given
    badge_sql(fresh(work.cast, "guardian"))
    operator = User.objects.create(username="drift", terms_version="2026-08")

    # when
    found = badge_sql(operator)

    # then
    assert found == compiled_for(User.objects.get(pk=operator.pk))


@pytest.mark.parametrize("member", SIGNED_IN)
def test_the_badge_counts_the_readable_unread_notices_and_shows_the_newest(work: Work, member):
    # given
    seed_notices(work)
    viewer = fresh(work.cast, member)

    # when
    count, newest = unread_badge(viewer)

    # then: the count, and the newest notice whole, as the ORM reads them
    texts = VISIBLE_NOTICES[member]
    assert (count, newest and newest.text) == (len(texts), texts[0] if texts else None)
    expected = notices_of(fresh(work.cast, member)).filter(read_at__isnull=True).first()
    assert [count, fields(newest)] == [unread_count(fresh(work.cast, member)), fields(expected)]


def test_a_relation_lost_after_the_query_was_compiled_counts_at_once(work: Work):
    # given: Karin's badge worked out once, so the day's query is compiled
    seed_notices(work)
    before = unread_badge(fresh(work.cast, "guardian"))

    # when: her rights over Alva end
    end_guardianship(work.cast)

    # then
    after = unread_badge(fresh(work.cast, "guardian"))
    assert [(before[0], before[1] and before[1].text), after] == [
        (3, "Bara till Karin"),
        (0, None),
    ]
