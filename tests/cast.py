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

`add_combinations` adds people who hold several roles at once, each with a
child of their own in 3A unless said otherwise, and Elis's guardians, whose
details they are shown or not:

- guardian_analytics: Gun, also analytics for Björkskolan (the child's school).
- guardian_analytics_elsewhere: Hans, also analytics for Ekskolan.
- guardian_teacher: Ines, also teaches 3A (a teacher whose child is in the class).
- guardian_teacher_other_class: Jon, also teaches 3B at the same school.
- guardian_teacher_elsewhere: Kim, also teaches 7A at Ekskolan.
- guardian_principal: Lena, also Rektor of Björkskolan.
- guardian_principal_elsewhere: Måns, also Rektor of Ekskolan.
- pupil_employed: Lisa, a pupil in 3A who also teaches 3B (employed there).
- pupil_teacher: Mia, a pupil in 3B who also teaches 3A.
- Elis's guardians: Erik shows his phone and email to the class, Fia does
  not, Dana has protected identity and opted in all the same. Each has an
  address on file (Dana's kept from before the marking).

Below the cast, written out by hand, is what each member may see of it:
the pupils, groups and schools (`VISIBLE_*`), the fields about Elis's
family (`FIELDS`), whose blogs (`POSTS`) and which of the notices
`tests.workflows.seed_notices` records (`VISIBLE_NOTICES`). The tests of the
relations and of the API through every path hold to the same tables.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone
from guardian.shortcuts import assign_perm

from core.models import (
    DutyRole,
    Group,
    Guardianship,
    Person,
    Pupil,
    School,
    SecurityMarking,
    StaffRole,
    Subject,
    User,
)
from permissions import access
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
    "pupil",
    "guardian",
    "teacher",
    "mentor",
    "other_teacher",
    "principal",
    "school_admin",
    "other_principal",
    "analytics",
    "student_health",
    "shared",
    "stranger",
    "anonymous",
)
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
# Members who hold several roles at once (`add_combinations`), by first name:
# guardians of a child in 3A, and pupils.
COMBINED_GUARDIANS = {
    "guardian_analytics": "Gun",
    "guardian_analytics_elsewhere": "Hans",
    "guardian_teacher": "Ines",
    "guardian_teacher_other_class": "Jon",
    "guardian_teacher_elsewhere": "Kim",
    "guardian_principal": "Lena",
    "guardian_principal_elsewhere": "Måns",
}
COMBINED_PUPILS = {"pupil_employed": "Lisa", "pupil_teacher": "Mia"}
COMBINATIONS = (*COMBINED_GUARDIANS, *COMBINED_PUPILS)


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
    people: dict[str, Person] = field(default_factory=dict)

    def __getitem__(self, member: str) -> User | AnonymousUser:
        return self.users[member]


def _person(given: str, family: str = "Exempelsson") -> Person:
    return PersonFactory(given_name=given, family_name=family)


def build_cast(start: dt.date = dt.date(2026, 8, 15)) -> Cast:
    """Create the cast's roster and accounts (their access rows written once, at the end)."""
    with access.batched():
        return _build_cast(start)


def _build_cast(start: dt.date) -> Cast:
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
    return Cast(
        school,
        other_school,
        class_3a,
        class_3b,
        pupils["Alva"],
        pupils["Elis"],
        pupils["Nora"],
        pupils["Omar"],
        maths,
        swedish,
        users,
    )


def add_combinations(cast: Cast, start: dt.date = dt.date(2026, 8, 15)) -> Cast:
    """Add the members of `COMBINATIONS` and Elis's guardians to the cast."""
    with access.batched():
        return _add_combinations(cast, start)


def _add_combinations(cast: Cast, start: dt.date) -> Cast:
    class_7a = Group.objects.get(school=cast.other_school, name="7A")
    people: dict[str, Person] = {}
    for member, name in COMBINED_GUARDIANS.items():
        people[member] = _person(name)
        child = PupilFactory(person__given_name=f"{name}sbarn", school=cast.school)
        GroupMembershipFactory(group=cast.class_3a, pupil=child, start_date=start)
        GuardianshipFactory(pupil=child, guardian=people[member])
    for member, group in (("pupil_employed", cast.class_3a), ("pupil_teacher", cast.class_3b)):
        pupil = PupilFactory(person__given_name=COMBINED_PUPILS[member], school=cast.school)
        GroupMembershipFactory(group=group, pupil=pupil, start_date=start)
        people[member] = pupil.person
    cast.users.update({member: user_for(person) for member, person in people.items()})
    assign_perm(Grant.ANALYTICS.perm, cast.users["guardian_analytics"], cast.school)
    assign_perm(
        Grant.ANALYTICS.perm, cast.users["guardian_analytics_elsewhere"], cast.other_school
    )
    for member, group in (
        ("guardian_teacher", cast.class_3a),
        ("guardian_teacher_other_class", cast.class_3b),
        ("guardian_teacher_elsewhere", class_7a),
        ("pupil_employed", cast.class_3b),
        ("pupil_teacher", cast.class_3a),
    ):
        StaffAssignmentFactory(
            staff=people[member], group=group, subject=cast.maths, start_date=start
        )
    for member, school in (
        ("guardian_principal", cast.school),
        ("guardian_principal_elsewhere", cast.other_school),
    ):
        DutyFactory(person=people[member], school=school, role=DutyRole.PRINCIPAL)
    cast.people.update(_elis_guardians(cast))
    return cast


def _elis_guardians(cast: Cast) -> dict[str, Person]:
    """Erik (opted in), Fia (not) and Dana (protected, opted in), all custodians of Elis."""
    guardians: dict[str, Person] = {
        "erik": PersonFactory(
            given_name="Erik",
            family_name="Elev",
            phone="070-000 00 02",
            street_address="Storgatan 1",
            postal_code="123 45",
            locality="Exempelby",
            contact_visible_to_families=True,
        ),
        "fia": PersonFactory(
            given_name="Fia",
            family_name="Elev",
            phone="070-000 00 03",
            street_address="Lillgatan 2",
            postal_code="123 46",
            locality="Exempelby",
        ),
        "dana": PersonFactory(
            given_name="Dana",
            family_name="Skyddadsson",
            phone="070-000 00 04",
            street_address="Hemlig väg 3",
            postal_code="123 47",
            locality="Exempelby",
            security_marking=SecurityMarking.PROTECTED_REGISTRATION,
            contact_visible_to_families=True,
        ),
    }
    for person in guardians.values():
        GuardianshipFactory(pupil=cast.elis, guardian=person)
    return guardians


def user(cast: Cast, member: str) -> User:
    """The member's account; fails the test for a member not signed in (anonymous)."""
    found = cast[member]
    assert isinstance(found, User)
    return found


def fresh(cast: Cast, member: str) -> User:
    """The member's user loaded again: relations are memoised per user object."""
    return User.objects.get(pk=user(cast, member).pk)


def signed_in(cast: Cast) -> list[int]:
    """The ids of the accounts of every signed-in member."""
    return [u.pk for u in cast.users.values() if isinstance(u, User)]


def end_guardianship(cast: Cast) -> None:
    """Karin's custody of Alva ended yesterday."""
    end_guardianships(Guardianship.objects.filter(guardian=user(cast, "guardian").person))


def end_guardianships(rows: QuerySet[Guardianship]) -> None:
    """The guardianships ended yesterday, saved one by one as the admin does.

    A save (not `update()`) is what keeps the access rows: `permissions.access`.
    """
    for guardianship in rows:
        guardianship.end_date = timezone.localdate() - dt.timedelta(days=1)
        guardianship.save(update_fields=["end_date"])


def table(text: str, members: tuple[str, ...]) -> dict[str, dict[str, bool]]:
    """Rows of `name mark mark ...` as name -> member -> allowed."""
    rows = [line.split() for line in text.strip().splitlines()[1:]]
    return {
        name: dict(zip(members, (m == "Y" for m in marks), strict=True)) for name, *marks in rows
    }


# The fields about Elis's family, for everyone. Erik opted in, Fia did not,
# Dana has protected identity (and opted in). "list" and "contacts" are
# 3A's class and contact list at all; "erik", "fia", "dana" their phone and
# email; "-addr" their address; "civic" Erik's identity number; "page"
# Elis's page.
FIELDS = table(
    """
                                  list contacts erik fia erik-addr fia-addr dana dana-addr civic page
    pupil                          Y    -        -    -   -         -        -    -         -     -
    guardian                       Y    Y        Y    -   -         -        -    -         -     -
    teacher                        Y    Y        Y    Y   Y         Y        Y    -         -     Y
    mentor                         Y    Y        Y    Y   Y         Y        Y    -         -     Y
    other_teacher                  -    -        -    -   -         -        -    -         -     -
    principal                      Y    Y        Y    Y   Y         Y        Y    -         -     Y
    school_admin                   Y    Y        Y    Y   Y         Y        Y    -         Y     Y
    other_principal                -    -        -    -   -         -        -    -         -     -
    analytics                      -    -        -    -   -         -        -    -         -     -
    student_health                 -    -        -    -   -         -        -    -         -     Y
    shared                         -    -        -    -   -         -        -    -         -     -
    stranger                       -    -        -    -   -         -        -    -         -     -
    anonymous                      -    -        -    -   -         -        -    -         -     -
    guardian_analytics             Y    Y        Y    -   -         -        -    -         -     -
    guardian_analytics_elsewhere   Y    Y        Y    -   -         -        -    -         -     -
    guardian_teacher               Y    Y        Y    Y   Y         Y        Y    -         -     Y
    guardian_teacher_other_class   Y    Y        Y    -   -         -        -    -         -     -
    guardian_teacher_elsewhere     Y    Y        Y    -   -         -        -    -         -     -
    guardian_principal             Y    Y        Y    Y   Y         Y        Y    -         -     Y
    guardian_principal_elsewhere   Y    Y        Y    -   -         -        -    -         -     -
    pupil_employed                 Y    -        -    -   -         -        -    -         -     -
    pupil_teacher                  Y    Y        Y    Y   Y         Y        Y    -         -     Y
    """,
    (
        "list",
        "contacts",
        "erik",
        "fia",
        "erik-addr",
        "fia-addr",
        "dana",
        "dana-addr",
        "civic",
        "page",
    ),
)
# Whom each member sees of the cast: pupils by first name, groups, schools.
VISIBLE_PUPILS = {
    "pupil": {"Alva"},
    "guardian": {"Alva"},
    "teacher": {"Alva", "Elis"},
    "mentor": {"Alva", "Elis"},
    "other_teacher": {"Nora"},
    "principal": {"Alva", "Elis", "Nora"},
    "school_admin": {"Alva", "Elis", "Nora"},
    "other_principal": {"Omar"},
    "analytics": set(),
    "student_health": {"Alva", "Elis", "Nora"},
    "shared": {"Alva"},
    "stranger": set(),
    "anonymous": set(),
}
VISIBLE_GROUPS = {
    "pupil": {"3A"},
    "guardian": {"3A"},
    "teacher": {"3A"},
    "mentor": {"3A"},
    "other_teacher": {"3B"},
    "principal": {"3A", "3B"},
    "school_admin": {"3A", "3B"},
    "other_principal": {"7A"},
    "analytics": set(),
    "student_health": {"3A", "3B"},
    "shared": set(),
    "stranger": set(),
    "anonymous": set(),
}
VISIBLE_SCHOOLS = {
    "pupil": {"Björkskolan"},
    "guardian": {"Björkskolan"},
    "teacher": {"Björkskolan"},
    "mentor": {"Björkskolan"},
    "other_teacher": {"Björkskolan"},
    "principal": {"Björkskolan"},
    "school_admin": {"Björkskolan"},
    "other_principal": {"Ekskolan"},
    "analytics": {"Björkskolan"},
    "student_health": {"Björkskolan"},
    "shared": set(),
    "stranger": set(),
    "anonymous": set(),
}
# Whose blog posts of the `pages` fixture (tests/schema/pages/conftest.py) each
# member reads: a class, a department (Humlan), a school, a pupil's private blog.
POSTS = {
    "pupil": {"3A", "Björkskolan", "Alva"},
    "guardian": {"3A", "Björkskolan"},
    "teacher": {"3A", "Björkskolan"},
    "mentor": {"3A", "Björkskolan"},
    "other_teacher": {"3B", "Björkskolan"},
    "principal": {"3A", "3B", "Humlan", "Björkskolan"},
    "school_admin": {"3A", "3B", "Humlan", "Björkskolan"},
    "other_principal": {"Ekskolan"},
}
# The texts of the notices `tests.workflows.seed_notices` records.
NOTICE_PLAN, NOTICE_3A, NOTICE_3B, NOTICE_EKSKOLAN, NOTICE_KARIN = (
    "Om Alvas plan",
    "Inlägg i 3A",
    "Inlägg i 3B",
    "Inlägg på Ekskolan",
    "Bara till Karin",
)
# What each member reads of them, newest change first.
VISIBLE_NOTICES: dict[str, list[str]] = {
    "pupil": [NOTICE_3A, NOTICE_PLAN],
    "guardian": [NOTICE_KARIN, NOTICE_3A, NOTICE_PLAN],
    "teacher": [NOTICE_3A, NOTICE_PLAN],
    "mentor": [NOTICE_3A, NOTICE_PLAN],
    "other_teacher": [NOTICE_3B],
    "principal": [NOTICE_3B, NOTICE_3A, NOTICE_PLAN],
    "school_admin": [NOTICE_3B, NOTICE_3A, NOTICE_PLAN],
    "other_principal": [NOTICE_EKSKOLAN],
    "analytics": [],
    "student_health": [NOTICE_PLAN],
    "shared": [NOTICE_PLAN],
    "stranger": [],
    "anonymous": [],
}
