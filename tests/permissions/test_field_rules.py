from __future__ import annotations

import pytest

from core.models import SecurityMarking
from permissions import rules
from permissions.relations import Role
from tests.factories import (
    GroupMembershipFactory,
    GuardianshipFactory,
    PersonFactory,
    PupilFactory,
    user_for,
)

pytestmark = pytest.mark.django_db


def _classmate_family(cast, *, opted_in: bool, marking: str = SecurityMarking.NONE):
    """Elis's guardian Erik, and Alva's guardian Karin as the viewer."""
    erik = PersonFactory(
        given_name="Erik", contact_visible_to_families=opted_in, security_marking=marking
    )
    GuardianshipFactory(pupil=cast.elis, guardian=erik)
    return erik


@pytest.mark.parametrize(
    ("opted_in", "marking", "visible"),
    [
        (False, SecurityMarking.NONE, False),
        (True, SecurityMarking.NONE, True),
        (True, SecurityMarking.PROTECTED_REGISTRATION, False),
    ],
)
def test_other_families_see_contact_details_only_by_opt_in_and_never_when_protected(
    cast, opted_in, marking, visible
):
    # given
    erik = _classmate_family(cast, opted_in=opted_in, marking=marking)

    # when / then
    assert rules.can_read_contact_details(cast["guardian"], erik) is visible


def test_a_co_guardian_does_not_see_a_guardian_who_has_not_opted_in(cast):
    # given
    per = PersonFactory(given_name="Per")
    GuardianshipFactory(pupil=cast.alva, guardian=per)

    # when / then
    assert rules.can_read_contact_details(cast["guardian"], per) is False


def test_staff_see_a_protected_guardians_contacts_but_never_the_address(cast):
    # given
    erik = _classmate_family(cast, opted_in=False, marking=SecurityMarking.PROTECTED_REGISTRATION)

    # when / then
    assert (
        rules.can_read_contact_details(cast["teacher"], erik),
        rules.can_read_address(cast["teacher"], erik),
    ) == (True, False)


def test_a_family_that_shares_no_group_sees_nothing_even_with_opt_in(cast):
    # given
    nora_guardian = PersonFactory(contact_visible_to_families=True)
    GuardianshipFactory(pupil=cast.nora, guardian=nora_guardian)

    # when / then
    assert rules.can_read_contact_details(cast["guardian"], nora_guardian) is False


def test_a_protected_pupil_is_shown_by_alias_outside_the_own_circle(cast):
    # given
    hidden = PupilFactory(
        person__given_name="Vera", person__security_marking=SecurityMarking.PROTECTED_REGISTRATION
    )
    GroupMembershipFactory(group=cast.class_3a, pupil=hidden)
    stranger = user_for(PersonFactory())

    # when
    names = {
        who: rules.shown_name(viewer, hidden)
        for who, viewer in (("teacher", cast["teacher"]), ("stranger", stranger))
    }

    # then
    assert names == {"teacher": "Vera Exempelsson", "stranger": hidden.person.alias}
    assert hidden.person.alias.startswith("Skyddad ")
    assert "Vera" not in hidden.person.alias


def test_people_with_protected_identity_are_left_out_of_lists():
    # given
    open_person = PersonFactory.build()
    protected = PersonFactory.build(security_marking=SecurityMarking.CONFIDENTIAL)

    # when / then
    assert (rules.in_class_list(open_person), rules.in_class_list(protected)) == (True, False)


def test_only_the_school_administrator_reads_a_guardians_identity_number(cast):
    # given
    karin = cast.alva.guardianships.get().guardian

    # when
    readers = {
        m
        for m in ("school_admin", "principal", "teacher", "guardian")
        if rules.can_read_civic_no(cast[m], karin)
    }

    # then
    assert readers == {"school_admin"}


def test_a_teacher_writes_assessments_only_in_subjects_taught_to_the_pupil(cast):
    # when
    allowed = {
        s.name
        for s in (cast.maths, cast.swedish)
        if rules.can_write_assessment(cast["teacher"], cast.alva, s)
    }

    # then
    assert allowed == {"Matematik"}


@pytest.mark.parametrize(
    ("member", "directed_at", "allowed"),
    [
        ("guardian", "guardian", True),
        ("guardian", "pupil", False),
        ("pupil", "teacher", False),
        ("mentor", "mentor", True),
    ],
)
def test_questions_are_answered_only_by_the_role_they_are_for(cast, member, directed_at, allowed):
    # when / then
    assert rules.can_answer_question(cast[member], cast.alva, Role(directed_at)) is allowed


def test_the_backend_answers_has_perm_from_the_roster(cast):
    # when
    answers = (
        cast["teacher"].has_perm("core.read_pupil_page", cast.alva),
        cast["teacher"].has_perm("core.read_pupil_page", cast.nora),
        cast["mentor"].has_perm("core.agree_plan", cast.alva),
        cast["guardian"].has_perm("core.write_class_blog", cast.class_3a),
        cast["teacher"].has_perm("core.no_such_capability", cast.alva),
    )

    # then
    assert answers == (True, False, True, False, False)


TEACHER, GUARDIAN, ANALYTICS = Role.TEACHER, Role.GUARDIAN, Role.ANALYTICS


@pytest.mark.parametrize(
    ("own", "roles", "opted_in", "protected", "shown"),
    [
        (True, set(), False, False, (True, True)),
        (True, set(), False, True, (True, False)),
        (False, {GUARDIAN}, True, False, (True, False)),
        (False, {GUARDIAN}, False, False, (False, False)),
        (False, {GUARDIAN}, True, True, (False, False)),
        (False, {GUARDIAN, ANALYTICS}, False, False, (False, False)),
        (False, {GUARDIAN, Role.STUDENT_HEALTH, Role.SHARED}, False, False, (False, False)),
        (False, {Role.PUPIL}, True, False, (False, False)),
        (False, {ANALYTICS}, True, False, (False, False)),
        (False, {TEACHER}, False, False, (True, True)),
        (False, {TEACHER}, False, True, (True, False)),
        (False, {Role.MENTOR}, False, False, (True, True)),
        (False, {Role.PRINCIPAL, GUARDIAN}, False, False, (True, True)),
        (False, {Role.SCHOOL_ADMIN}, False, False, (True, True)),
        (False, {Role.PUPIL, TEACHER}, False, False, (True, True)),
        (False, set(), True, False, (False, False)),
    ],
)
def test_phone_email_and_address_are_decided_from_the_facts_alone(
    own, roles, opted_in, protected, shown
):
    # given
    facts = rules.ContactFacts(
        own=own, roles=frozenset(roles), protected=protected, opted_in=opted_in
    )

    # when / then
    assert (rules.shows_contact_details(facts), rules.shows_address(facts)) == shown


def test_a_list_and_a_single_check_gather_the_same_facts_for_a_classmates_guardian(cast):
    # given: Erik, Elis's guardian, seen by Karin, Alva's
    erik = _classmate_family(cast, opted_in=True)

    # when
    facts = (
        rules.contact_facts(cast["guardian"], erik),
        rules.listed_contact_facts(cast["guardian"], cast.class_3a, erik),
    )

    # then
    expected = rules.ContactFacts(
        own=False, roles=frozenset({GUARDIAN}), protected=False, opted_in=True
    )
    assert facts == (expected, expected)
