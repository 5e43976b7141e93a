"""Who hears of a change, and which of one's notices one may still read."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from core.models import GroupMembership, Notice, PupilMentor, StaffAssignment, User, active_on
from permissions.relations import (
    Viewer,
    blog_groups,
    blog_schools,
    guardianships_with_rights,
    today,
    visible_pupils,
)


def page_audience(pupil_id: int) -> QuerySet[User]:
    """The pupil, guardians with rights, and the pupil's teachers and mentors today.

    Principals and the student-health team read pages but are not told of
    every answer; they would drown in notices.
    """
    day = today()
    groups = GroupMembership.objects.filter(active_on(day), pupil_id=pupil_id).values("group_id")
    staff = StaffAssignment.objects.filter(active_on(day), group_id__in=groups).values("staff_id")
    mentors = PupilMentor.objects.filter(active_on(day), pupil_id=pupil_id).values("staff_id")
    guardians = guardianships_with_rights(day).filter(pupil_id=pupil_id).values("guardian_id")
    return User.objects.filter(
        Q(person__pupil__pk=pupil_id)
        | Q(person_id__in=guardians)
        | Q(person_id__in=staff)
        | Q(person_id__in=mentors),
        is_active=True,
    )


def group_audience(group_ids: QuerySet[Any] | list[int]) -> QuerySet[User]:
    """The groups' pupils, their guardians with rights, and their teachers and mentors."""
    day = today()
    members = GroupMembership.objects.filter(active_on(day), group_id__in=group_ids)
    pupils = members.values("pupil__person_id")
    guardians = (
        guardianships_with_rights(day)
        .filter(pupil_id__in=members.values("pupil_id"))
        .values("guardian_id")
    )
    staff = StaffAssignment.objects.filter(active_on(day), group_id__in=group_ids)
    return User.objects.filter(
        Q(person_id__in=pupils) | Q(person_id__in=guardians)
        | Q(person_id__in=staff.values("staff_id")),
        is_active=True,
    )  # fmt: skip


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


def notices_of(viewer: Viewer) -> QuerySet[Notice]:
    """The viewer's readable notices, newest change first."""
    return Notice.objects.filter(readable_notices(viewer)).order_by("-updated_at", "-pk")


def unread_count(viewer: Viewer) -> int:
    """How many readable notices the viewer has not read."""
    return notices_of(viewer).filter(read_at__isnull=True).count()
