"""Who is related to whom: the scopes a viewer reads, and the roster helpers they rest on.

Each scope (`visible_pupils`, `children`, `visible_groups`, ...) is a lazy
queryset of one subquery over the viewer's stored access rows on a day
(`permissions.access` keeps them from the roster and the grants), so it
costs no query of its own and one indexed lookup in the query that uses it,
however large the roster. Results are memoised on the viewer object, which
lives for one request. The helpers below (`guardianships_with_rights`,
`taught_group_ids`, `school_ids_with`) compose the same facts from the
dated relations on one day; `permissions.derived` builds the oracle scopes
from them, and the notice audiences use them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.models import (
    Duty,
    DutyRole,
    Group,
    Guardianship,
    Pupil,
    PupilMentor,
    RelationType,
    School,
    StaffAssignment,
    StaffRole,
    User,
    active_on,
)
from permissions.access import STAFF, flush
from permissions.codenames import Grant
from permissions.models import Access, GroupGrant, OrganisationGrant, SchoolGrant

Viewer = User | AnonymousUser
T = TypeVar("T")
M = TypeVar("M", bound=models.Model)
ADULT_AGE = 18
# Duties that carry a school-wide role without a separate grant.
DUTY_ROLES = {
    Grant.PRINCIPAL: (DutyRole.PRINCIPAL, DutyRole.PRESCHOOL_HEAD),
    Grant.SCHOOL_ADMIN: (DutyRole.SCHOOL_ADMINISTRATOR,),
}
# School-wide roles that open the school's pupil pages.
PUPIL_READING_GRANTS = (Grant.PRINCIPAL, Grant.SCHOOL_ADMIN, Grant.STUDENT_HEALTH)


class Role(enum.StrEnum):
    """A viewer's standing toward one pupil."""

    PUPIL = "pupil"
    GUARDIAN = "guardian"
    TEACHER = "teacher"
    MENTOR = "mentor"
    PRINCIPAL = "principal"
    SCHOOL_ADMIN = "school_admin"
    STUDENT_HEALTH = "student_health"
    SHARED = "shared"
    ANALYTICS = "analytics"  # toward a group or school only, never a pupil


def today() -> dt.date:
    """The school day it is now, in the service's time zone."""
    return timezone.localdate()


def adult_cutoff(day: dt.date) -> dt.date:
    """The latest birth date of someone who is 18 on `day`.

    Someone born on 29 February comes of age on 1 March in other years.
    """
    try:
        return day.replace(year=day.year - ADULT_AGE)
    except ValueError:
        return dt.date(day.year - ADULT_AGE, 2, 28)


def memo(viewer: Viewer, key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """`build()` once per viewer object (one request) and `key`."""
    cache: dict[tuple[Any, ...], Any] = viewer.__dict__.setdefault("_relations_memo", {})
    if key not in cache:
        cache[key] = build()
    return cache[key]  # type: ignore[no-any-return]


def person_of(viewer: Viewer) -> int | None:
    """The roster person of an active signed-in viewer, else None.

    Lookups use `person_of(viewer) or 0`: no row has id 0, so a viewer
    without a person matches nothing.
    """
    if not viewer.is_authenticated or not viewer.is_active:
        return None
    return viewer.person_id


def guardianships_with_rights(day: dt.date | None = None) -> QuerySet[Guardianship]:
    """Guardianships that carry guardian rights on `day`.

    Custodians, or rights an administrator gave until a date; for pupils
    under 18, or adults who agreed.
    """
    day = day or today()
    rights = Q(relation_type=RelationType.CUSTODIAN) | Q(rights_until__gte=day)
    minor = (
        Q(pupil__person__birth_date__isnull=True)
        | Q(pupil__person__birth_date__gt=adult_cutoff(day))
        | Q(adult_consent=True)
    )
    return Guardianship.objects.filter(active_on(day), rights, minor)


def guardian_pupil_ids(viewer: Viewer, day: dt.date | None = None) -> QuerySet[Any]:
    """Pupils the viewer holds guardian rights for on `day`."""
    person = person_of(viewer)
    return guardianships_with_rights(day).filter(guardian_id=person or 0).values("pupil_id")


def taught_group_ids(
    viewer: Viewer, day: dt.date | None = None, role: StaffRole | None = None
) -> QuerySet[Any]:
    """Groups the viewer teaches or mentors on `day` (assignments and grants)."""
    day = day or today()
    assignments = StaffAssignment.objects.filter(active_on(day), staff_id=person_of(viewer) or 0)
    if role is not None:
        assignments = assignments.filter(role=role)
    ids = assignments.values("group_id")
    if role in (None, StaffRole.TEACHER) and viewer.is_authenticated:
        grants = GroupGrant.objects.filter(
            user_id=viewer.pk, permission__codename=Grant.GROUP_TEACHER
        )
        ids = ids.union(grants.values("content_object_id"))
    return ids


def school_ids_with(
    viewer: Viewer, grants: tuple[Grant, ...], day: dt.date | None = None
) -> QuerySet[Any]:
    """Schools where the viewer holds any of `grants`: by grant or by duty."""
    if not viewer.is_authenticated:
        return School.objects.none().values("pk")
    day = day or today()
    codenames = [grant.value for grant in grants]
    direct = SchoolGrant.objects.filter(user_id=viewer.pk, permission__codename__in=codenames)
    by_organisation = School.objects.filter(
        organisation_id__in=OrganisationGrant.objects.filter(
            user_id=viewer.pk, permission__codename__in=codenames
        ).values("content_object_id")
    )
    duty_roles = [role for grant in grants for role in DUTY_ROLES.get(grant, ())]
    duties = Duty.objects.filter(
        active_on(day), person_id=person_of(viewer) or 0, role__in=duty_roles
    )
    return (
        direct.values("content_object_id")
        .union(by_organisation.values("pk"))
        .union(duties.values("school_id"))
    )


def access_rows(viewer: Viewer, day: dt.date) -> QuerySet[Access]:
    """The viewer's stored access rows that hold on `day` (`permissions.access`)."""
    flush()
    mine = Q(user_id=viewer.pk)
    if person := person_of(viewer):
        mine |= Q(person_id=person)
    return Access.objects.filter(mine, first_day__lte=day, last_day__gte=day)


def roles_of_person(
    person_id: int, user_id: int | None = None, day: dt.date | None = None
) -> set[str]:
    """The roles a roster person (and their account, if any) holds toward anyone on `day`."""
    flush()
    mine = Q(person_id=person_id) | (Q(user_id=user_id) if user_id else Q(pk__in=[]))
    day = day or today()
    rows = Access.objects.filter(mine, first_day__lte=day, last_day__gte=day)
    return set(rows.values_list("role", flat=True).distinct())


FAMILY_ROLE_NAMES = frozenset({Role.PUPIL.value, Role.GUARDIAN.value})


def _scope(
    viewer: Viewer, day: dt.date | None, model: type[M], kind: str, roles: frozenset[str] | None
) -> QuerySet[M]:
    """`model` rows the viewer holds any of `roles` toward (any role when None)."""
    if not viewer.is_authenticated or not viewer.is_active:
        return model._default_manager.none()
    rows = access_rows(viewer, day or today()).filter(**KINDS[kind])
    if roles is not None:
        rows = rows.filter(role__in=sorted(roles))
    return model._default_manager.filter(pk__in=rows.values(f"{kind}_id"))


# What each kind of row names (`permissions.models.Access`).
KINDS: dict[str, dict[str, bool]] = {
    "pupil": {"pupil__isnull": False},
    "group": {"group__isnull": False},
    # Rows toward a group name its school too: a group's family or staff see its school.
    "school": {"pupil__isnull": True, "school__isnull": False},
}
_FAMILY_AND_TEACHERS = frozenset({Role.PUPIL, Role.GUARDIAN, Role.TEACHER, Role.MENTOR})
_LEADERS = frozenset({Role.PRINCIPAL, Role.SCHOOL_ADMIN})
# The roles behind each scope; the docstrings say who they are.
CLASS_LIST_ROLES = _FAMILY_AND_TEACHERS | _LEADERS | {Role.STUDENT_HEALTH}
CLASSROOM_ROLES = _FAMILY_AND_TEACHERS | _LEADERS
DRAFT_ROLES = frozenset({Role.TEACHER, Role.MENTOR})
GUARDIAN_ROLES = frozenset({Role.GUARDIAN})
SCHOOL_BLOG_ROLES = CLASSROOM_ROLES | {STAFF}


# Who is told of a change (`core.selectors.notices`): the pupil, guardians with
# rights, and the teachers and mentors the roster names. Grant holders,
# principals and the student-health team read the pages but are not told of
# every answer; they would drown in notices.
TOLD_ROLES = _FAMILY_AND_TEACHERS


def told_persons(day: dt.date, **target: Any) -> QuerySet[Access, int]:
    """The ids of the persons told on `day` of a change to `target`.

    `target` is one lookup of the access rows: `pupil_id=...` for a pupil's
    page, `group_id__in=...` for groups' blogs. Rows given by a grant name a
    user, not a person, and are not told.
    """
    flush()
    rows = Access.objects.filter(
        first_day__lte=day, last_day__gte=day, person__isnull=False, role__in=sorted(TOLD_ROLES)
    )
    return rows.filter(**target).values_list("person_id", flat=True)


def visible_pupils(viewer: Viewer, day: dt.date | None = None) -> QuerySet[Pupil]:
    """Every pupil whose page the viewer may read on `day`, as one query."""
    return memo(viewer, ("pupils", day), lambda: _scope(viewer, day, Pupil, "pupil", None))


def children(viewer: Viewer, day: dt.date | None = None) -> QuerySet[Pupil]:
    """The pupils the viewer holds guardian rights for on `day`."""
    return memo(
        viewer, ("children", day), lambda: _scope(viewer, day, Pupil, "pupil", GUARDIAN_ROLES)
    )


def visible_groups(viewer: Viewer, day: dt.date | None = None) -> QuerySet[Group]:
    """Groups whose class list the viewer may see: own, children's, taught, school-wide."""
    return memo(
        viewer, ("groups", day), lambda: _scope(viewer, day, Group, "group", CLASS_LIST_ROLES)
    )


def visible_schools(viewer: Viewer, day: dt.date | None = None) -> QuerySet[School]:
    """Schools the viewer belongs to in any role, analytics included."""
    return memo(viewer, ("schools", day), lambda: _scope(viewer, day, School, "school", None))


def draft_reader_pupils(viewer: Viewer, day: dt.date | None = None) -> QuerySet[Pupil]:
    """Pupils whose unpublished assessment drafts the viewer reads: taught or mentored."""
    return memo(viewer, ("drafts", day), lambda: _scope(viewer, day, Pupil, "pupil", DRAFT_ROLES))


def blog_groups(viewer: Viewer, day: dt.date | None = None) -> QuerySet[Group]:
    """Groups whose blog or documentation the viewer reads.

    The pupils of the group and their guardians, its teachers and mentors,
    and the school's principal and administrators; not the student-health
    team or analytics, whose roles do not reach the classroom.
    """
    return memo(
        viewer, ("blogs", day), lambda: _scope(viewer, day, Group, "group", CLASSROOM_ROLES)
    )


def blog_schools(viewer: Viewer, day: dt.date | None = None) -> QuerySet[School]:
    """Schools whose school blog the viewer reads: the school's families and staff."""
    return memo(
        viewer,
        ("school blogs", day),
        lambda: _scope(viewer, day, School, "school", SCHOOL_BLOG_ROLES),
    )


def staff_roles_anywhere(viewer: Viewer, day: dt.date | None = None) -> bool:
    """Whether the viewer works at a school: teaches, mentors, leads or is on its team."""
    return memo(viewer, ("staff", day), lambda: _staff_anywhere(viewer, day or today()))


def _staff_anywhere(viewer: Viewer, day: dt.date) -> bool:
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    person = person_of(viewer) or 0
    return (
        StaffAssignment.objects.filter(active_on(day), staff_id=person).exists()
        or PupilMentor.objects.filter(active_on(day), staff_id=person).exists()
        or school_ids_with(viewer, PUPIL_READING_GRANTS, day).exists()
    )
