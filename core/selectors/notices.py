"""Who hears of a change, and which of one's notices one may still read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Count, Model, Q, QuerySet, Window

from core.models import (
    BlogPost,
    DevelopmentPlan,
    LearningLogEntry,
    Notice,
    User,
    WrittenAssessment,
)
from core.selectors import pages
from permissions.relations import (
    Viewer,
    blog_groups,
    blog_schools,
    today,
    told_persons,
    visible_pupils,
)


def page_audience(pupil_id: int) -> QuerySet[User]:
    """The pupil, guardians with rights, and the pupil's teachers and mentors today."""
    return User.objects.filter(
        person_id__in=told_persons(today(), pupil_id=pupil_id), is_active=True
    )


def group_audience(group_ids: QuerySet[Any] | list[int]) -> QuerySet[User]:
    """The groups' pupils, their guardians with rights, and their teachers and mentors."""
    told = told_persons(today(), group_id__in=group_ids)
    return User.objects.filter(person_id__in=told, is_active=True)


def readable_notices(viewer: Viewer) -> Q:
    """The viewer's own notices about things the viewer may still read.

    Checked on every read, so a notice about a pupil whose page the viewer
    lost (a changed class, a guardian whose rights ended) no longer counts.
    """
    if not viewer.is_authenticated:
        return Q(pk__in=[])
    return Q(recipient_id=viewer.pk) & (
        Q(pupil__in=visible_pupils(viewer).values("pk"))
        | Q(group__in=blog_groups(viewer).values("pk"))
        | Q(school__in=blog_schools(viewer).values("pk"))
    )


# What a notice may be about, and who reads each (the same scopes as the types).
SUBJECTS: dict[str, tuple[type[Model], Callable[[Viewer], Q]]] = {
    "DevelopmentPlan": (DevelopmentPlan, pages.pupil_page),
    "WrittenAssessment": (WrittenAssessment, pages.assessments),
    "LearningLogEntry": (LearningLogEntry, pages.pupil_page),
    "BlogPost": (BlogPost, pages.blog_posts),
}


def notices_of(viewer: Viewer, *, unread: bool | None = None) -> QuerySet[Notice]:
    """The viewer's readable notices, newest change first; only (un)read ones if asked."""
    found = Notice.objects.filter(readable_notices(viewer)).order_by("-updated_at", "-pk")
    return found if unread is None else found.filter(read_at__isnull=unread)


def notice_subject(viewer: Viewer, target_type: str, target_id: int) -> Model | None:
    """What a notice is about, if the viewer may still read it."""
    model, scope = SUBJECTS[target_type]
    found: Model | None = model._default_manager.filter(scope(viewer), pk=target_id).first()
    return found


def unread_count(viewer: Viewer) -> int:
    """How many readable notices the viewer has not read."""
    return notices_of(viewer).filter(read_at__isnull=True).count()


# The badge query, compiled once a day (`unread_badge`): stand-in ids, and the
# positions among the parameters where a real user's ids go.
STAND_IN_USER, STAND_IN_PERSON = -987_654_321, -987_654_323
_NEVER_BY_ITSELF = 2**31 - 1  # psycopg's prepare threshold: only asked-for statements
_BADGE_SQL: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], list[int], list[int]]] = {}


def unread_badge(viewer: User) -> tuple[int, Notice | None]:
    """The unread count and the newest unread notice.

    The same as `unread_count` and `notices_of(...).first()`. Building and
    compiling the readable-notices filter (a union of every relation a
    viewer may have) takes Django tens of milliseconds, PostgreSQL several
    more to plan it, and the database a millisecond to answer; a badge is
    asked after every change by every open socket's user. The SQL is the
    same for every viewer but for the viewer's user and person ids, which
    are parameters: so it is compiled once a day, for a stand-in, and run
    with the viewer's ids in their places; on PostgreSQL as a prepared
    statement, planned once per connection. Every relation stays a subquery
    the database evaluates on each run, so a relation gained or lost counts
    at once (tests compare it with a fresh compile).
    """
    sql, params = badge_sql(viewer)
    if connection.vendor != "postgresql":
        # Through the ORM, whose converters make the values Python's (aware datetimes).
        found: list[Any] = list(Notice.objects.raw(sql, params))
        return (int(found[0].unread_total), found[0]) if found else (0, None)
    import psycopg  # noqa: PLC0415 -- only on PostgreSQL

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns preparing off; this lets `prepare=True` prepare the
        # badge alone (nothing else is run often enough to pass it).
        raw.prepare_threshold = _NEVER_BY_ITSELF
    # Server-side binding, so the statement can be prepared and reused; psycopg
    # gives every column its Python type (timestamptz as aware datetimes).
    with psycopg.Cursor(raw) as cursor:
        row = cursor.execute(sql, params, prepare=True).fetchone()
    if row is None:
        return 0, None
    *values, count = row
    return int(count), Notice.from_db(connection.alias, _notice_columns(), values)


def _notice_columns() -> list[str]:
    """The notice's columns, in the order the badge query selects them."""
    return [field.attname for field in Notice._meta.concrete_fields]


def badge_sql(viewer: User) -> tuple[str, tuple[Any, ...]]:
    """The badge query of `viewer`: the day's compiled template with its ids."""
    day, has_person = today(), viewer.person_id is not None
    key = (connection.alias, day, viewer.is_active, has_person)
    template = _BADGE_SQL.get(key)
    if template is None:
        template = _badge_template(viewer.is_active, has_person)
        if today() == day:  # not across midnight
            for old in [k for k in _BADGE_SQL if k[1] != day]:
                del _BADGE_SQL[old]  # earlier days' are of no more use
            _BADGE_SQL[key] = template
    sql, params, users, persons = template
    values = list(params)
    for at in users:
        values[at] = viewer.pk
    for at in persons:
        values[at] = viewer.person_id
    return sql, tuple(values)


def _badge_template(
    active: bool, has_person: bool
) -> tuple[str, tuple[Any, ...], list[int], list[int]]:
    stand_in = User(pk=STAND_IN_USER, is_active=active)
    stand_in.person_id = STAND_IN_PERSON if has_person else None
    unread = notices_of(stand_in).filter(read_at__isnull=True)
    first = unread.annotate(unread_total=Window(Count("pk")))
    sql, params = first.values_list(*_notice_columns(), "unread_total")[:1].query.sql_with_params()
    users = [at for at, value in enumerate(params) if value == STAND_IN_USER]
    persons = [at for at, value in enumerate(params) if value == STAND_IN_PERSON]
    return sql, tuple(params), users, persons
