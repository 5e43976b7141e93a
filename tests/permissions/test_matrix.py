"""The policy table, cell by cell, over the whole cast.

Cases come from `permissions.rules.POLICY` (the table in its docstring):
a member whose column says anything but "no" is allowed, everyone outside
the table's columns (other teacher, other principal, stranger, anonymous)
is refused everything.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from permissions import rules
from permissions.codenames import Capability
from permissions.relations import Role, visible_groups, visible_pupils, visible_schools
from tests.cast import COLUMN_ROLE, MEMBERS, Cast

pytestmark = pytest.mark.django_db
Check = Callable[[Cast, str], bool]


def _own_subject(cast: Cast, member: str):
    return cast.swedish if member == "mentor" else cast.maths


def _directed_at(member: str) -> Role:
    role = COLUMN_ROLE[member]
    return role if isinstance(role, Role) else Role.PUPIL


CHECKS: dict[Capability, Check] = {
    Capability.READ_PUPIL_PAGE: lambda c, m: rules.can_read_pupil_page(c[m], c.alva),
    Capability.ANSWER_QUESTIONS: lambda c, m: rules.can_answer_question(
        c[m], c.alva, _directed_at(m)
    ),
    Capability.PROPOSE_GOAL: lambda c, m: rules.can_propose_goal(c[m], c.alva),
    Capability.ADVANCE_GOAL: lambda c, m: rules.can_advance_goal(c[m], c.alva),
    Capability.CONCLUDE_GOAL: lambda c, m: rules.can_conclude_goal(c[m], c.alva),
    Capability.WRITE_ASSESSMENT: lambda c, m: rules.can_write_assessment(
        c[m], c.alva, _own_subject(c, m)
    ),
    Capability.READ_ASSESSMENT_DRAFT: lambda c, m: rules.can_read_assessment_draft(c[m], c.alva),
    Capability.START_PLAN: lambda c, m: rules.can_start_plan(c[m], c.alva),
    Capability.AGREE_PLAN: lambda c, m: rules.can_agree_plan(c[m], c.alva),
    Capability.WRITE_LEARNING_LOG: lambda c, m: rules.can_write_learning_log(c[m], c.alva),
    Capability.CONFIRM_READ: lambda c, m: rules.can_confirm_read(c[m], c.alva),
    Capability.READ_CLASS_BLOG: lambda c, m: rules.can_read_class_blog(c[m], c.class_3a),
    Capability.WRITE_CLASS_BLOG: lambda c, m: rules.can_write_class_blog(c[m], c.class_3a),
    Capability.PRIVATE_BLOG: lambda c, m: rules.can_use_private_blog(c[m], c.alva),
    Capability.READ_GUARDIAN_CONTACTS: lambda c, m: rules.can_read_contact_details(
        c[m], c.alva.guardianships.get().guardian
    ),
    Capability.READ_CLASS_LIST: lambda c, m: rules.can_read_class_list(c[m], c.class_3a),
    Capability.READ_CIVIC_NO: lambda c, m: rules.can_read_civic_no(c[m], c.alva.person),
    Capability.READ_SUMMARIES: lambda c, m: rules.can_read_group_summary(c[m], c.class_3a),
}


def expected(capability: Capability, member: str) -> bool:
    role = COLUMN_ROLE[member]
    if role is None:
        return False
    return rules.cell_allows(
        capability, role, directed_at=_directed_at(member), subject_taught=True
    )


def test_every_capability_of_the_table_has_a_check():
    # then
    assert set(CHECKS) == set(rules.POLICY) == set(Capability)


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("capability", list(Capability))
def test_policy_cell(cast, capability, member):
    # when
    allowed = CHECKS[capability](cast, member)

    # then
    assert allowed is expected(capability, member)


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


@pytest.mark.parametrize("member", MEMBERS)
def test_visible_pupils_are_exactly_the_members_own(cast, member):
    # when
    names = {p.person.given_name for p in visible_pupils(cast[member]).select_related("person")}

    # then
    assert names == VISIBLE_PUPILS[member]


@pytest.mark.parametrize("member", MEMBERS)
def test_visible_groups_are_exactly_the_members_own(cast, member):
    # when
    names = set(visible_groups(cast[member]).values_list("name", flat=True))

    # then
    assert names == VISIBLE_GROUPS[member]


@pytest.mark.parametrize("member", MEMBERS)
def test_visible_schools_are_exactly_the_members_own(cast, member):
    # when
    names = set(visible_schools(cast[member]).values_list("name", flat=True))

    # then
    assert names == VISIBLE_SCHOOLS[member]


@pytest.mark.parametrize(
    ("member", "roles"),
    [
        ("pupil", {Role.PUPIL}),
        ("guardian", {Role.GUARDIAN}),
        ("teacher", {Role.TEACHER}),
        ("mentor", {Role.MENTOR, Role.TEACHER}),
        ("principal", {Role.PRINCIPAL}),
        ("school_admin", {Role.SCHOOL_ADMIN}),
        ("student_health", {Role.STUDENT_HEALTH}),
        ("shared", {Role.SHARED}),
        ("other_teacher", set()),
        ("other_principal", set()),
        ("analytics", set()),
        ("stranger", set()),
        ("anonymous", set()),
    ],
)
def test_role_of_names_every_role_toward_alva(cast, member, roles):
    # when / then
    assert rules.role_of(cast[member], cast.alva) == roles
