"""The roles a viewer holds anywhere, for front ends to choose a start page."""

from __future__ import annotations

import datetime as dt

from core.models import Pupil, StaffAssignment, StaffRole, active_on
from permissions.codenames import Grant
from permissions.relations import (
    Role,
    Viewer,
    guardian_pupil_ids,
    person_of,
    school_ids_with,
    today,
)

SCHOOL_ROLES = {
    Grant.PRINCIPAL: Role.PRINCIPAL,
    Grant.SCHOOL_ADMIN: Role.SCHOOL_ADMIN,
    Grant.STUDENT_HEALTH: Role.STUDENT_HEALTH,
    Grant.ANALYTICS: Role.ANALYTICS,
}


def viewer_roles(viewer: Viewer, day: dt.date | None = None) -> list[Role]:
    """Every role the viewer holds toward anyone, in a fixed order."""
    if not viewer.is_authenticated or not viewer.is_active:
        return []
    day = day or today()
    person = person_of(viewer) or 0
    assignments = StaffAssignment.objects.filter(active_on(day), staff_id=person)
    held = {
        Role.PUPIL: Pupil.objects.filter(person_id=person).exists(),
        Role.GUARDIAN: guardian_pupil_ids(viewer, day).exists(),
        Role.TEACHER: assignments.filter(role=StaffRole.TEACHER).exists(),
        Role.MENTOR: assignments.filter(role=StaffRole.MENTOR).exists(),
    }
    for grant in (Grant.PRINCIPAL, Grant.SCHOOL_ADMIN, Grant.STUDENT_HEALTH, Grant.ANALYTICS):
        held[SCHOOL_ROLES[grant]] = len(school_ids_with(viewer, (grant,), day)) > 0
    return [role for role in Role if held.get(role)]
