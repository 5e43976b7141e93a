"""The scopes as the roster relations give them on one day: the oracle of the access table.

These are the first design's scopes, unions of subqueries over the dated
relations and the grants, composed anew for every call. The service reads
the stored access rows instead (`permissions.relations`, kept by
`permissions.access`); tests compare the two on random roster histories
after every kind of change, and `manage.py access_repair --check` in CI
compares them after the demo import.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from core.models import (
    Duty,
    Group,
    GroupMembership,
    Person,
    Pupil,
    PupilMentor,
    School,
    StaffAssignment,
    StaffRole,
    active_on,
)
from permissions.codenames import Grant
from permissions.models import PupilGrant
from permissions.relations import (
    PUPIL_READING_GRANTS,
    Role,
    Viewer,
    guardian_pupil_ids,
    guardianships_with_rights,
    person_of,
    school_ids_with,
    taught_group_ids,
)

# The scopes composed here, by name; `permissions.relations` reads the
# stored rows under the same names.
SCOPES = (
    "visible_pupils",
    "children",
    "visible_groups",
    "visible_schools",
    "draft_reader_pupils",
    "blog_groups",
    "blog_schools",
)


def visible_pupils(viewer: Viewer, day: dt.date) -> QuerySet[Pupil]:
    """Pupils whose page the viewer reads: self, children, taught, mentored, led, shared."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Pupil.objects.none()
    person = person_of(viewer)
    members = GroupMembership.objects.filter(active_on(day))
    ids = (
        Pupil.objects.filter(person_id=person or 0)
        .values("pk")
        .union(guardian_pupil_ids(viewer, day))
        .union(members.filter(group_id__in=taught_group_ids(viewer, day)).values("pupil_id"))
        .union(PupilMentor.objects.filter(active_on(day), staff_id=person or 0).values("pupil_id"))
        .union(
            Pupil.objects.filter(
                school_id__in=school_ids_with(viewer, PUPIL_READING_GRANTS, day)
            ).values("pk")
        )
        .union(
            PupilGrant.objects.filter(
                user_id=viewer.pk, permission__codename=Grant.PUPIL_SHARE
            ).values("content_object_id")
        )
    )
    return Pupil.objects.filter(pk__in=ids)


def visible_groups(viewer: Viewer, day: dt.date) -> QuerySet[Group]:
    """Groups whose class list the viewer may see: own, children's, taught, school-wide."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Group.objects.none()
    own_pupils = (
        Pupil.objects.filter(person_id=person_of(viewer) or 0)
        .values("pk")
        .union(guardian_pupil_ids(viewer, day))
    )
    ids = (
        GroupMembership.objects.filter(active_on(day), pupil_id__in=own_pupils)
        .values("group_id")
        .union(taught_group_ids(viewer, day))
        .union(
            Group.objects.filter(
                school_id__in=school_ids_with(viewer, PUPIL_READING_GRANTS, day)
            ).values("pk")
        )
    )
    return Group.objects.filter(pk__in=ids)


def visible_schools(viewer: Viewer, day: dt.date) -> QuerySet[School]:
    """Schools the viewer belongs to in any role, analytics included."""
    if not viewer.is_authenticated or not viewer.is_active:
        return School.objects.none()
    duties = Duty.objects.filter(active_on(day), person_id=person_of(viewer) or 0)
    ids = (
        visible_groups(viewer, day)
        .values("school_id")
        .union(school_ids_with(viewer, (*PUPIL_READING_GRANTS, Grant.ANALYTICS), day))
        .union(duties.values("school_id"))
    )
    return School.objects.filter(pk__in=ids)


def draft_reader_pupils(viewer: Viewer, day: dt.date) -> QuerySet[Pupil]:
    """Pupils whose assessment drafts the viewer reads: taught or mentored."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Pupil.objects.none()
    members = GroupMembership.objects.filter(active_on(day))
    mentees = PupilMentor.objects.filter(active_on(day), staff_id=person_of(viewer) or 0)
    ids = (
        members.filter(group_id__in=taught_group_ids(viewer, day))
        .values("pupil_id")
        .union(mentees.values("pupil_id"))
    )
    return Pupil.objects.filter(pk__in=ids)


def blog_groups(viewer: Viewer, day: dt.date) -> QuerySet[Group]:
    """Groups whose blog the viewer reads: families, staff, principals and administrators."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Group.objects.none()
    own_pupils = (
        Pupil.objects.filter(person_id=person_of(viewer) or 0)
        .values("pk")
        .union(guardian_pupil_ids(viewer, day))
    )
    leading = school_ids_with(viewer, (Grant.PRINCIPAL, Grant.SCHOOL_ADMIN), day)
    ids = (
        GroupMembership.objects.filter(active_on(day), pupil_id__in=own_pupils)
        .values("group_id")
        .union(taught_group_ids(viewer, day))
        .union(Group.objects.filter(school_id__in=leading).values("pk"))
    )
    return Group.objects.filter(pk__in=ids)


def blog_schools(viewer: Viewer, day: dt.date) -> QuerySet[School]:
    """Schools whose school blog the viewer reads: the school's families and staff."""
    if not viewer.is_authenticated or not viewer.is_active:
        return School.objects.none()
    duties = Duty.objects.filter(active_on(day), person_id=person_of(viewer) or 0)
    ids = (
        blog_groups(viewer, day)
        .values("school_id")
        .union(school_ids_with(viewer, (Grant.PRINCIPAL, Grant.SCHOOL_ADMIN), day))
        .union(duties.values("school_id"))
    )
    return School.objects.filter(pk__in=ids)


def role_of(viewer: Viewer, pupil: Pupil, day: dt.date) -> frozenset[Role]:
    """Every role the viewer holds toward `pupil` on `day`."""
    if not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    roles: set[Role] = set()
    if pupil.person_id == person_of(viewer):
        roles.add(Role.PUPIL)
    if guardian_pupil_ids(viewer, day).filter(pupil_id=pupil.pk).exists():
        roles.add(Role.GUARDIAN)
    roles |= _staff_roles(viewer, pupil, day)
    roles |= _school_roles(viewer, pupil, day)
    shares = PupilGrant.objects.filter(
        user_id=viewer.pk, content_object_id=pupil.pk, permission__codename=Grant.PUPIL_SHARE
    )
    if shares.exists():
        roles.add(Role.SHARED)
    return frozenset(roles)


def _staff_roles(viewer: Viewer, pupil: Pupil, day: dt.date) -> set[Role]:
    groups = GroupMembership.objects.filter(active_on(day), pupil_id=pupil.pk).values("group_id")
    teaching = taught_group_ids(viewer, day, StaffRole.TEACHER)
    roles: set[Role] = set()
    if Group.objects.filter(pk__in=groups).filter(pk__in=teaching).exists():
        roles.add(Role.TEACHER)
    mentoring = taught_group_ids(viewer, day, StaffRole.MENTOR)
    mentors = PupilMentor.objects.filter(
        active_on(day), pupil_id=pupil.pk, staff_id=person_of(viewer)
    )
    if Group.objects.filter(pk__in=groups).filter(pk__in=mentoring).exists() or mentors.exists():
        roles.add(Role.MENTOR)
    return roles


def _school_roles(viewer: Viewer, pupil: Pupil, day: dt.date) -> set[Role]:
    by_grant = {
        Grant.PRINCIPAL: Role.PRINCIPAL,
        Grant.SCHOOL_ADMIN: Role.SCHOOL_ADMIN,
        Grant.STUDENT_HEALTH: Role.STUDENT_HEALTH,
    }
    return {
        role
        for grant, role in by_grant.items()
        if pupil.school_id is not None and holds(viewer, grant, pupil.school_id, day)
    }


def holds(viewer: Viewer, grant: Grant, school_id: int, day: dt.date) -> bool:
    """Whether the viewer holds `grant` at the school (by grant or duty)."""
    return School.objects.filter(
        pk=school_id, pk__in=school_ids_with(viewer, (grant,), day)
    ).exists()


def group_roles(viewer: Viewer, group: Group, day: dt.date) -> frozenset[Role]:
    """The viewer's roles toward a whole group."""
    if not viewer.is_authenticated or not viewer.is_active:
        return frozenset()
    roles: set[Role] = set()
    members = GroupMembership.objects.filter(active_on(day), group_id=group.pk)
    if members.filter(pupil__person_id=person_of(viewer)).exists():
        roles.add(Role.PUPIL)
    if members.filter(pupil_id__in=guardian_pupil_ids(viewer, day)).exists():
        roles.add(Role.GUARDIAN)
    for role, staff_role in ((Role.TEACHER, StaffRole.TEACHER), (Role.MENTOR, StaffRole.MENTOR)):
        taught = taught_group_ids(viewer, day, staff_role)
        if Group.objects.filter(pk=group.pk, pk__in=taught).exists():
            roles.add(role)
    for grant, role in (
        (Grant.PRINCIPAL, Role.PRINCIPAL),
        (Grant.SCHOOL_ADMIN, Role.SCHOOL_ADMIN),
        (Grant.ANALYTICS, Role.ANALYTICS),
    ):
        if holds(viewer, grant, group.school_id, day):
            roles.add(role)
    return frozenset(roles)


def children(viewer: Viewer, day: dt.date) -> QuerySet[Pupil]:
    """Pupils the viewer holds guardian rights for on `day`."""
    if not viewer.is_authenticated or not viewer.is_active:
        return Pupil.objects.none()
    return Pupil.objects.filter(pk__in=guardian_pupil_ids(viewer, day))


def told_of_pupil(pupil_id: int, day: dt.date) -> QuerySet[Person]:
    """Who is told of a change to a pupil's page: the pupil, guardians with rights, staff."""
    groups = GroupMembership.objects.filter(active_on(day), pupil_id=pupil_id).values("group_id")
    staff = StaffAssignment.objects.filter(active_on(day), group_id__in=groups).values("staff_id")
    mentors = PupilMentor.objects.filter(active_on(day), pupil_id=pupil_id).values("staff_id")
    guardians = guardianships_with_rights(day).filter(pupil_id=pupil_id).values("guardian_id")
    return Person.objects.filter(
        Q(pupil__pk=pupil_id) | Q(pk__in=guardians) | Q(pk__in=staff) | Q(pk__in=mentors)
    )


def told_of_groups(group_ids: list[int], day: dt.date) -> QuerySet[Person]:
    """Who is told of a post on the groups' blogs: members, their guardians, staff."""
    members = GroupMembership.objects.filter(active_on(day), group_id__in=group_ids)
    guardians = guardianships_with_rights(day).filter(pupil_id__in=members.values("pupil_id"))
    staff = StaffAssignment.objects.filter(active_on(day), group_id__in=group_ids)
    return Person.objects.filter(
        Q(pk__in=members.values("pupil__person_id"))
        | Q(pk__in=guardians.values("guardian_id"))
        | Q(pk__in=staff.values("staff_id"))
    )
