"""Pupils and the dated relations that decide who may see them.

Rows that the SS 12000 importer manages carry a `source_key`: the importer
upserts by it and ends (never deletes) rows whose key is gone from the
source. Rows made by hand have no key and are left alone by imports.
"""

from __future__ import annotations

from django.db import models

from core.models.curriculum import Subject
from core.models.dated import Dated
from core.models.organisations import Group, School, SchoolForm
from core.models.people import Person


def _source_key() -> models.CharField[str | None, str | None]:
    return models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Importer's key for this relation; empty for rows made by hand.",
    )


class Pupil(models.Model):
    """A child in preschool or a pupil in school (barn, elev)."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="pupil")
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="pupils"
    )
    school_form = models.CharField(max_length=8, choices=SchoolForm.choices, blank=True)
    school_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        permissions = [("view_pupil_page", "Read this pupil's page (explicit share)")]

    def __str__(self) -> str:
        return str(self.person)


class RelationType(models.TextChoices):
    """SS 12000 `responsibles[].relationType`."""

    CUSTODIAN = "Vårdnadshavare", "Vårdnadshavare"
    OTHER_RESPONSIBLE = "Annan ansvarig", "Annan ansvarig"
    TRUSTEE = "God man", "God man"
    APPOINTED = "Utsedd behörig", "Utsedd behörig"


class Guardianship(Dated):
    """A guardian or other responsible adult of a pupil.

    Only custodians (Vårdnadshavare) get guardian rights by default; the
    access rules read `relation_type`.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="guardianships")
    guardian = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardianships")
    relation_type = models.CharField(
        max_length=20, choices=RelationType.choices, default=RelationType.CUSTODIAN
    )
    rights_until = models.DateField(
        null=True,
        blank=True,
        help_text="For relations other than Vårdnadshavare: guardian rights, given by "
        "a school administrator, hold through this day.",
    )
    adult_consent = models.BooleanField(
        default=False,
        help_text="The pupil, once 18, lets this guardian keep access.",
    )
    source_key = _source_key()

    class Meta:
        indexes = [models.Index(fields=["guardian", "pupil"])]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.pupil} ({self.relation_type})"


class GroupMembership(Dated):
    """A pupil's membership of a group."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="memberships")
    source_key = _source_key()

    class Meta:
        indexes = [
            models.Index(fields=["group", "pupil"]),
            models.Index(fields=["pupil", "group"]),
        ]

    def __str__(self) -> str:
        return f"{self.pupil} in {self.group}"


class DutyRole(models.TextChoices):
    """SS 12000 `dutyRole`: what a person is employed as at a school."""

    PRINCIPAL = "Rektor", "Rektor"
    TEACHER = "Lärare", "Lärare"
    PRESCHOOL_TEACHER = "Förskollärare", "Förskollärare"
    CHILDMINDER = "Barnskötare", "Barnskötare"
    LIBRARIAN = "Bibliotekarie", "Bibliotekarie"
    TEACHING_ASSISTANT = "Lärarassistent", "Lärarassistent"
    LEISURE_TEACHER = "Fritidspedagog", "Fritidspedagog"
    OTHER_STAFF = "Annan personal", "Annan personal"
    CAREER_COUNSELLOR = "Studie- och yrkesvägledare", "Studie- och yrkesvägledare"
    FIRST_TEACHER = "Förstelärare", "Förstelärare"
    WELFARE_OFFICER = "Kurator", "Kurator"
    SCHOOL_NURSE = "Skolsköterska", "Skolsköterska"
    SCHOOL_DOCTOR = "Skolläkare", "Skolläkare"
    SCHOOL_PSYCHOLOGIST = "Skolpsykolog", "Skolpsykolog"
    SPECIAL_TEACHER = "Speciallärare/specialpedagog", "Speciallärare/specialpedagog"
    SCHOOL_ADMINISTRATOR = "Skoladministratör", "Skoladministratör"
    OTHER_MANAGEMENT = "Övrig arbetsledning", "Övrig arbetsledning"
    OTHER_EDUCATIONAL = "Övrig pedagogisk personal", "Övrig pedagogisk personal"
    PRESCHOOL_HEAD = "Förskolechef", "Förskolechef"


class Duty(Dated):
    """A person's employment at a school unit (SS 12000 Duty)."""

    external_id = models.UUIDField(unique=True, null=True, blank=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="duties")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="duties")
    role = models.CharField(max_length=40, choices=DutyRole.choices)

    class Meta:
        indexes = [models.Index(fields=["person", "school"])]

    def __str__(self) -> str:
        return f"{self.person}, {self.role} at {self.school}"


class StaffRole(models.TextChoices):
    """A member of staff's role toward a group."""

    TEACHER = "teacher", "Lärare"
    MENTOR = "mentor", "Mentor"


class StaffAssignment(Dated):
    """A member of staff teaching or mentoring a group, maybe in one subject."""

    staff = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="staff_assignments")
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="staff_assignments")
    role = models.CharField(max_length=8, choices=StaffRole.choices)
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_key = _source_key()

    class Meta:
        indexes = [models.Index(fields=["staff", "group"])]

    def __str__(self) -> str:
        return f"{self.staff}, {self.role} of {self.group}"


class PupilMentor(Dated):
    """A mentor for one pupil, outside any mentor group."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="mentors")
    staff = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentees")

    class Meta:
        indexes = [models.Index(fields=["staff", "pupil"])]

    def __str__(self) -> str:
        return f"{self.staff} mentors {self.pupil}"
