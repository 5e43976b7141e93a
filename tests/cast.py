"""The named cast every access test uses; each reader knows their rights.

Björkskolan has class 3A (Alva and her classmate Elis) and 3B (Nora);
Ekskolan, another school of the same organiser, has Omar.

- pupil: Alva herself.               - guardian: Karin, Alva's custodian.
- teacher: Tove teaches 3A maths.    - mentor: Mats mentors 3A, teaches it Svenska.
- other_teacher: Olle teaches 3B.    - principal: Rut, Rektor of Björkskolan.
- school_admin: Sara, Björkskolan's school administrator.
- other_principal: Pål, Rektor of Ekskolan.
- analytics: Ann, summaries of Björkskolan (a grant).
- student_health: Hedda, Björkskolan's student-health team (a grant).
- shared: Siv, a special-needs teacher Alva's page is shared with (a grant).
- stranger: Stig, known to the roster, related to nobody.
- anonymous: not signed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from core.models import DutyRole, Group, Person, Pupil, School, StaffRole, Subject, User
from permissions.codenames import Grant
from permissions.relations import Role
from tests.factories import (
    DutyFactory,
    GroupFactory,
    GroupMembershipFactory,
    GuardianshipFactory,
    OrganisationFactory,
    PersonFactory,
    PupilFactory,
    SchoolFactory,
    StaffAssignmentFactory,
    SubjectFactory,
    user_for,
)

MEMBERS = (
    "pupil", "guardian", "teacher", "mentor", "other_teacher", "principal", "school_admin",
    "other_principal", "analytics", "student_health", "shared", "stranger", "anonymous",
)  # fmt: skip
# The policy-table column each member stands in toward Alva and 3A.
COLUMN_ROLE: dict[str, Role | None] = {
    "pupil": Role.PUPIL,
    "guardian": Role.GUARDIAN,
    "teacher": Role.TEACHER,
    "mentor": Role.MENTOR,
    "principal": Role.PRINCIPAL,
    "school_admin": Role.SCHOOL_ADMIN,
    "analytics": Role.ANALYTICS,
    "student_health": Role.STUDENT_HEALTH,
    "shared": Role.SHARED,
    "other_teacher": None,
    "other_principal": None,
    "stranger": None,
    "anonymous": None,
}


@dataclass
class Cast:
    """The people and the roster they stand in."""

    school: School
    other_school: School
    class_3a: Group
    class_3b: Group
    alva: Pupil
    elis: Pupil
    nora: Pupil
    omar: Pupil
    maths: Subject
    swedish: Subject
    users: dict[str, User | AnonymousUser]

    def __getitem__(self, member: str) -> User | AnonymousUser:
        return self.users[member]


def _person(given: str, family: str = "Exempelsson") -> Person:
    return PersonFactory(given_name=given, family_name=family)  # type: ignore[no-any-return]


def build_cast(start: dt.date = dt.date(2026, 8, 15)) -> Cast:
    """Create the cast's roster and accounts."""
    organisation = OrganisationFactory()
    school = SchoolFactory(organisation=organisation, name="Björkskolan")
    other_school = SchoolFactory(organisation=organisation, name="Ekskolan")
    class_3a = GroupFactory(school=school, name="3A")
    class_3b = GroupFactory(school=school, name="3B")
    class_7a = GroupFactory(school=other_school, name="7A", school_year=7)
    pupils = {
        name: PupilFactory(person__given_name=name, person__family_name="Elev", school=s)
        for name, s in (
            ("Alva", school),
            ("Elis", school),
            ("Nora", school),
            ("Omar", other_school),
        )
    }
    for name, group in (
        ("Alva", class_3a),
        ("Elis", class_3a),
        ("Nora", class_3b),
        ("Omar", class_7a),
    ):
        GroupMembershipFactory(group=group, pupil=pupils[name], start_date=start)
    maths = SubjectFactory(code="MA", name="Matematik")
    swedish = SubjectFactory(code="SV", name="Svenska")
    people = {
        member: _person(member.title())
        for member in MEMBERS
        if member not in {"pupil", "anonymous"}
    }
    users: dict[str, User | AnonymousUser] = {m: user_for(p) for m, p in people.items()}
    users["pupil"] = user_for(pupils["Alva"].person)
    users["anonymous"] = AnonymousUser()
    GuardianshipFactory(pupil=pupils["Alva"], guardian=people["guardian"])
    StaffAssignmentFactory(
        staff=people["teacher"], group=class_3a, subject=maths, start_date=start
    )
    StaffAssignmentFactory(
        staff=people["mentor"], group=class_3a, role=StaffRole.MENTOR, start_date=start
    )
    StaffAssignmentFactory(
        staff=people["mentor"], group=class_3a, subject=swedish, start_date=start
    )
    StaffAssignmentFactory(
        staff=people["other_teacher"], group=class_3b, subject=maths, start_date=start
    )
    DutyFactory(person=people["principal"], school=school, role=DutyRole.PRINCIPAL)
    DutyFactory(person=people["school_admin"], school=school, role=DutyRole.SCHOOL_ADMINISTRATOR)
    DutyFactory(person=people["other_principal"], school=other_school, role=DutyRole.PRINCIPAL)
    assign_perm(Grant.ANALYTICS.perm, users["analytics"], school)
    assign_perm(Grant.STUDENT_HEALTH.perm, users["student_health"], school)
    assign_perm(Grant.PUPIL_SHARE.perm, users["shared"], pupils["Alva"])
    return Cast(school, other_school, class_3a, class_3b, pupils["Alva"], pupils["Elis"],
                pupils["Nora"], pupils["Omar"], maths, swedish, users)  # fmt: skip
