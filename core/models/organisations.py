"""Organisations (huvudman), school units (skolenhet) and groups."""

from __future__ import annotations

from django.db import models
from django_stubs_ext import StrPromise

from core.models.dated import Dated

# Roles granted over a school, or over every school of an organisation.
SCHOOL_ROLE_PERMISSIONS: tuple[tuple[str, str | StrPromise], ...] = (
    ("act_as_principal", "Principal: read every pupil page and summary"),
    ("act_as_school_admin", "School administrator: roster and identity numbers"),
    ("view_summaries", "Analytics: class- and school-level summaries only"),
    ("act_as_student_health", "Student-health team: read pupil pages"),
)


class SchoolForm(models.TextChoices):
    """School forms this service documents, by their SS 12000 codes."""

    PRESCHOOL = "FS", "Förskola"
    PRESCHOOL_CLASS = "FKLASS", "Förskoleklass"
    COMPULSORY = "GR", "Grundskola"
    COMPULSORY_ADAPTED = "GRS", "Anpassad grundskola"
    SPECIAL = "SP", "Specialskola"
    SAMI = "SAM", "Sameskola"
    LEISURE_CENTRE = "FTH", "Fritidshem"
    UPPER_SECONDARY = "GY", "Gymnasieskola"
    UPPER_SECONDARY_ADAPTED = "GYS", "Anpassad gymnasieskola"


# The form whose plan template a form without one of its own follows: the
# compulsory forms share grundskolan's IUP, anpassad gymnasieskola the
# gymnasieskola's (docs/ss12000-import.md, "School forms").
PLAN_TEMPLATE_FORM = {
    SchoolForm.COMPULSORY_ADAPTED: SchoolForm.COMPULSORY,
    SchoolForm.SPECIAL: SchoolForm.COMPULSORY,
    SchoolForm.SAMI: SchoolForm.COMPULSORY,
    SchoolForm.UPPER_SECONDARY_ADAPTED: SchoolForm.UPPER_SECONDARY,
}


class Organisation(models.Model):
    """A school organiser (huvudman), usually a municipality."""

    external_id = models.UUIDField(unique=True, null=True, blank=True)
    name = models.CharField(max_length=200)
    organisation_number = models.CharField(max_length=20, blank=True)
    municipality_code = models.CharField(max_length=4, blank=True)
    strong_login_required = models.BooleanField(
        default=True,
        help_text="Whether reading or changing its pupils' pages needs a strong sign-in "
        "(e-legitimation); a password alone is not enough. On unless the organiser decides "
        "otherwise (docs/login.md).",
    )

    class Meta:
        permissions = SCHOOL_ROLE_PERMISSIONS

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """A school unit (skolenhet) with the school forms it runs."""

    external_id = models.UUIDField(unique=True, null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="schools"
    )
    name = models.CharField(max_length=200)
    school_unit_code = models.CharField(
        max_length=8, unique=True, help_text="Skolverket's skolenhetskod."
    )
    school_forms = models.JSONField(
        default=list, help_text="SS 12000 school type codes, e.g. ['GR', 'FTH']."
    )
    municipality_code = models.CharField(max_length=4, blank=True)

    class Meta:
        permissions = SCHOOL_ROLE_PERMISSIONS

    def __str__(self) -> str:
        return self.name


class GroupKind(models.TextChoices):
    """What a group is for (SS 12000 `groupType`)."""

    CLASS = "class", "Klass"
    DEPARTMENT = "department", "Avdelning"
    TEACHING = "teaching", "Undervisningsgrupp"
    MENTOR = "mentor", "Mentorsgrupp"


class Group(Dated):
    """A class, preschool department, teaching group or mentor group."""

    external_id = models.UUIDField(unique=True, null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=GroupKind.choices)
    # Blank when the register does not say and it cannot be told (`schoolType` is optional).
    school_form = models.CharField(max_length=8, choices=SchoolForm.choices, blank=True)
    school_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Årskurs, where the group has one."
    )

    class Meta:
        permissions = [("teach_group", "Teach this group (e.g. a substitute teacher)")]

    def __str__(self) -> str:
        return self.name
