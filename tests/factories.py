"""factory_boy factories for the roster; synthetic people only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.identity import luhn_digit
from core.models import (
    Duty,
    DutyRole,
    Group,
    GroupKind,
    GroupMembership,
    Guardianship,
    Organisation,
    Person,
    PlanSection,
    PlanTemplate,
    PreparationQuestion,
    Pupil,
    PupilMentor,
    RelationType,
    School,
    SchoolForm,
    StaffAssignment,
    StaffRole,
    Subject,
    User,
)
from permissions import access

PASSWORD = "demo-password-1"
# One hash for every test user: Argon2 per user would slow the suite.
_HASH = make_password(PASSWORD)


def civic_no(born: dt.date, serial: int) -> str:
    """A valid identity number in the test series (birth numbers 980-999)."""
    body = f"{born:%Y%m%d}{980 + serial % 20:03d}"
    return f"{body}{luhn_digit(body[2:])}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = "Exempelby kommun"
    municipality_code = "9999"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Skola {n}")
    school_unit_code = factory.Sequence(lambda n: f"9999{n:04d}")
    school_forms = factory.LazyFunction(lambda: [SchoolForm.COMPULSORY])


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"{n % 9 + 1}A")
    kind = GroupKind.CLASS
    school_form = SchoolForm.COMPULSORY
    school_year = 3


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Förnamn{n}")
    family_name = "Exempelsson"
    birth_date = dt.date(1985, 4, 2)
    civic_no = factory.Sequence(lambda n: civic_no(dt.date(1985, 1, 1) + dt.timedelta(n // 20), n))
    email = factory.LazyAttribute(lambda p: f"{p.given_name.lower()}@example.com")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@exempelby.example.com")
    password = _HASH
    person = factory.SubFactory(PersonFactory)

    terms_version = factory.LazyFunction(lambda: settings.TERMS_VERSION)
    terms_accepted_at = factory.LazyFunction(timezone.now)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subject

    code = "MA"
    name = "Matematik"


class PupilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pupil

    person = factory.SubFactory(
        PersonFactory,
        birth_date=dt.date(2016, 3, 14),
        civic_no=factory.Sequence(
            lambda n: civic_no(dt.date(2016, 1, 1) + dt.timedelta(n // 20), n)
        ),
    )
    school = factory.SubFactory(SchoolFactory)
    school_form = SchoolForm.COMPULSORY
    school_year = 3


class GuardianshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardianship

    pupil = factory.SubFactory(PupilFactory)
    guardian = factory.SubFactory(PersonFactory)
    relation_type = RelationType.CUSTODIAN


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    pupil = factory.SubFactory(PupilFactory)


class StaffAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffAssignment

    staff = factory.SubFactory(PersonFactory)
    group = factory.SubFactory(GroupFactory)
    role = StaffRole.TEACHER


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    person = factory.SubFactory(PersonFactory)
    school = factory.SubFactory(SchoolFactory)
    role = DutyRole.TEACHER


class PupilMentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PupilMentor

    pupil = factory.SubFactory(PupilFactory)
    staff = factory.SubFactory(PersonFactory)


def teacher_of_class(size: int) -> User:
    """A teacher's login, with a class of `size` pupils."""
    group = GroupFactory()
    teacher = StaffAssignmentFactory(group=group).staff
    with access.batched():
        for _ in range(size):
            GroupMembershipFactory(group=group, pupil=PupilFactory(school=group.school))
    return user_for(teacher)


def user_for(person: Person, **extra: Any) -> User:
    """A login for an existing roster person."""
    return UserFactory(person=person, **extra)


def iup_template(
    name: str = "IUP",
) -> tuple[PlanTemplate, PreparationQuestion, PreparationQuestion]:
    """A plan template of one section and two questions: the family's, then the staff's.

    "Vad gillar du?" is put to the pupil and guardians, "Hur går det?" to
    the teachers and the mentor.
    """
    template = PlanTemplate.objects.create(name=name, school_form=SchoolForm.COMPULSORY)
    section = PlanSection.objects.create(template=template, order=1, title="Om mig")
    family = PreparationQuestion.objects.create(
        section=section, order=1, text="Vad gillar du?", roles=["pupil", "guardian"]
    )
    staff = PreparationQuestion.objects.create(
        section=section, order=2, text="Hur går det?", roles=["teacher", "mentor"]
    )
    return template, family, staff
