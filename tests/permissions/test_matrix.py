"""The policy table, cell by cell, over the whole cast and its combinations.

Every expected value is written out by hand from the policy table and
docs/access-model.md, never computed with `permissions.rules`: a mark per
member and check, Y allowed and - refused; the policy cells below, the
field table and the visibility sets in tests/cast.py, shared with the API
tests. Members outside the table's
columns (other teacher, other principal, stranger, anonymous) are refused
everything; members who hold several roles (tests/cast.py,
`add_combinations`) get what the union of their roles allows, no more.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from permissions import rules
from permissions.codenames import Capability
from permissions.relations import Role, visible_groups, visible_pupils, visible_schools
from tests.cast import (
    COLUMN_ROLE,
    COMBINATIONS,
    FIELDS,
    MEMBERS,
    VISIBLE_GROUPS,
    VISIBLE_PUPILS,
    VISIBLE_SCHOOLS,
    Cast,
    table,
)

pytestmark = pytest.mark.django_db
Check = Callable[[Cast, str], bool]


# Toward Alva and class 3A; the columns are MEMBERS in order.
CELLS = table(
    """
                            pup gua tea men oth pri adm opr ana hea sha str ano
    read_pupil_page          Y   Y   Y   Y   -   Y   Y   -   -   Y   Y   -   -
    answer_questions         Y   Y   Y   Y   -   -   -   -   -   -   -   -   -
    propose_goal             Y   Y   Y   Y   -   -   -   -   -   -   -   -   -
    advance_goal             Y   -   Y   Y   -   -   -   -   -   -   -   -   -
    conclude_goal            -   -   Y   Y   -   -   -   -   -   -   -   -   -
    write_assessment         -   -   Y   Y   -   -   -   -   -   -   -   -   -
    read_assessment_draft    -   -   Y   Y   -   -   -   -   -   -   -   -   -
    start_plan               -   -   Y   Y   -   -   -   -   -   -   -   -   -
    agree_plan               -   -   -   Y   -   -   -   -   -   -   -   -   -
    confirm_read             -   Y   -   -   -   -   -   -   -   -   -   -   -
    write_learning_log       Y   -   Y   Y   -   -   -   -   -   -   -   -   -
    read_class_blog          Y   Y   Y   Y   -   Y   Y   -   -   -   -   -   -
    write_class_blog         -   -   Y   Y   -   -   -   -   -   -   -   -   -
    private_blog             Y   -   -   -   -   -   -   -   -   -   -   -   -
    read_guardian_contacts   -   Y   Y   Y   -   Y   Y   -   -   -   -   -   -
    read_class_list          Y   Y   Y   Y   -   Y   Y   -   -   -   -   -   -
    read_civic_no            -   -   -   -   -   -   Y   -   -   -   -   -   -
    read_summaries           -   -   Y   Y   -   Y   Y   -   Y   -   -   -   -
    read_group_overview      -   -   Y   Y   -   Y   Y   -   -   -   -   -   -
    """,
    MEMBERS,
)
# The same checks for the combinations, the columns COMBINATIONS in order:
# a guardian of a child in 3A who is also analytics (an), a teacher (te) or
# Rektor (pr) at Björkskolan or, marked ', at Ekskolan; then Lisa, a pupil
# in 3A teaching 3B, and Mia, a pupil in 3B teaching 3A.
COMBINED_CELLS = table(
    """
                           g+an    g+an'  g+te   g+te3B g+te'  g+pr   g+pr'  Lisa   Mia
    read_pupil_page          -       -      Y      -      -      Y      -      -      Y
    answer_questions         -       -      Y      -      -      -      -      -      Y
    propose_goal             -       -      Y      -      -      -      -      -      Y
    advance_goal             -       -      Y      -      -      -      -      -      Y
    conclude_goal            -       -      Y      -      -      -      -      -      Y
    write_assessment         -       -      Y      -      -      -      -      -      Y
    read_assessment_draft    -       -      Y      -      -      -      -      -      Y
    start_plan               -       -      Y      -      -      -      -      -      Y
    agree_plan               -       -      -      -      -      -      -      -      -
    confirm_read             -       -      -      -      -      -      -      -      -
    write_learning_log       -       -      Y      -      -      -      -      -      Y
    read_class_blog          Y       Y      Y      Y      Y      Y      Y      Y      Y
    write_class_blog         -       -      Y      -      -      -      -      -      Y
    private_blog             -       -      -      -      -      -      -      -      -
    read_guardian_contacts   -       -      Y      -      -      Y      -      -      Y
    read_class_list          Y       Y      Y      Y      Y      Y      Y      Y      Y
    read_civic_no            -       -      -      -      -      -      -      -      -
    read_summaries           Y       -      Y      -      -      Y      -      -      Y
    read_group_overview      -       -      Y      -      -      Y      -      -      Y
    """,
    COMBINATIONS,
)
# The question each member tries to answer on Alva's plan: the member's own
# column, or for a combination the role that might let it answer.
DIRECTED_AT = {
    **{m: role or Role.PUPIL for m, role in COLUMN_ROLE.items()},
    "guardian_analytics": Role.GUARDIAN,
    "guardian_analytics_elsewhere": Role.GUARDIAN,
    "guardian_teacher": Role.TEACHER,
    "guardian_teacher_other_class": Role.TEACHER,
    "guardian_teacher_elsewhere": Role.TEACHER,
    "guardian_principal": Role.GUARDIAN,
    "guardian_principal_elsewhere": Role.GUARDIAN,
    "pupil_employed": Role.TEACHER,
    "pupil_teacher": Role.TEACHER,
}


def _own_subject(cast: Cast, member: str):
    return cast.swedish if member == "mentor" else cast.maths


CHECKS: dict[str, Check] = {
    Capability.READ_PUPIL_PAGE: lambda c, m: rules.can_read_pupil_page(c[m], c.alva),
    Capability.ANSWER_QUESTIONS: lambda c, m: rules.can_answer_question(
        c[m], c.alva, DIRECTED_AT[m]
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
    "read_group_overview": lambda c, m: rules.can_read_group_overview(c[m], c.class_3a),
}


def test_every_capability_of_the_table_has_a_check_and_a_written_row():
    # then
    assert set(Capability) <= set(CHECKS)
    assert set(CHECKS) == set(CELLS) == set(COMBINED_CELLS)
    assert set(rules.POLICY) == set(Capability)


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("check", list(CELLS))
def test_policy_cell(cast, check, member):
    # when
    allowed = CHECKS[check](cast, member)

    # then
    assert allowed is CELLS[check][member]


@pytest.mark.parametrize("member", COMBINATIONS)
@pytest.mark.parametrize("check", list(COMBINED_CELLS))
def test_policy_cell_for_a_combination_of_roles(combined, check, member):
    # when
    allowed = CHECKS[check](combined, member)

    # then
    assert allowed is COMBINED_CELLS[check][member]


# The rule behind each column of `FIELDS` (tests/cast.py), about Elis's family.
FIELD_CHECKS: dict[str, Check] = {
    "list": lambda c, m: rules.can_read_class_list(c[m], c.class_3a),
    "contacts": lambda c, m: rules.can_read_contact_list(c[m], c.class_3a),
    "erik": lambda c, m: rules.can_read_contact_details(c[m], c.people["erik"]),
    "fia": lambda c, m: rules.can_read_contact_details(c[m], c.people["fia"]),
    "erik-addr": lambda c, m: rules.can_read_address(c[m], c.people["erik"]),
    "fia-addr": lambda c, m: rules.can_read_address(c[m], c.people["fia"]),
    "dana": lambda c, m: rules.can_read_contact_details(c[m], c.people["dana"]),
    "dana-addr": lambda c, m: rules.can_read_address(c[m], c.people["dana"]),
    "civic": lambda c, m: rules.can_read_civic_no(c[m], c.people["erik"]),
    "page": lambda c, m: rules.can_read_pupil_page(c[m], c.elis),
}


def test_the_field_table_names_every_member():
    # then
    assert set(FIELDS) == {*MEMBERS, *COMBINATIONS}


@pytest.mark.parametrize("field", list(FIELD_CHECKS))
@pytest.mark.parametrize("member", [*MEMBERS, *COMBINATIONS])
def test_field_rule(combined, member, field):
    # when
    allowed = FIELD_CHECKS[field](combined, member)

    # then
    assert allowed is FIELDS[member][field]


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


@pytest.mark.parametrize(
    ("member", "toward_alva", "toward_3a"),
    [
        ("guardian_analytics", set(), {Role.GUARDIAN, Role.ANALYTICS}),
        ("guardian_analytics_elsewhere", set(), {Role.GUARDIAN}),
        ("guardian_teacher", {Role.TEACHER}, {Role.GUARDIAN, Role.TEACHER}),
        ("guardian_teacher_other_class", set(), {Role.GUARDIAN}),
        ("guardian_teacher_elsewhere", set(), {Role.GUARDIAN}),
        ("guardian_principal", {Role.PRINCIPAL}, {Role.GUARDIAN, Role.PRINCIPAL}),
        ("guardian_principal_elsewhere", set(), {Role.GUARDIAN}),
        ("pupil_employed", set(), {Role.PUPIL}),
        ("pupil_teacher", {Role.TEACHER}, {Role.TEACHER}),
    ],
)
def test_a_combination_holds_every_one_of_its_roles(combined, member, toward_alva, toward_3a):
    # when
    roles = (
        rules.role_of(combined[member], combined.alva),
        rules.group_roles(combined[member], combined.class_3a),
    )

    # then
    assert roles == (toward_alva, toward_3a)
