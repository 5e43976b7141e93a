"""Individual development plans (IUP), their templates, answers and goals."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from core.models.curriculum import KnowledgeRequirement, Subject
from core.models.organisations import SchoolForm
from core.models.roster import Pupil

term_validator = RegexValidator(r"^(HT|VT)\d{4}$", "A term is HT or VT and a year, e.g. HT2026.")


class Versioned(models.Model):
    """Rows people edit: a version number refuses saves based on stale data."""

    version = models.PositiveIntegerField(default=1, help_text="Raised by every save.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class QuestionRole(models.TextChoices):
    """Who a preparation question is put to."""

    PUPIL = "pupil", "Elev"
    GUARDIAN = "guardian", "Vårdnadshavare"
    TEACHER = "teacher", "Lärare"
    MENTOR = "mentor", "Mentor"


class PlanTemplate(models.Model):
    """A versioned IUP template (IUP-mall); plans keep the version they began with."""

    name = models.CharField(max_length=100)
    version = models.PositiveSmallIntegerField(default=1)
    school_form = models.CharField(max_length=8, choices=SchoolForm.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="template_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class PlanSection(models.Model):
    """A section of a template, e.g. "Om mig" or "Mitt lärande"."""

    template = models.ForeignKey(PlanTemplate, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=100)

    class Meta:
        ordering = ["template", "order"]

    def __str__(self) -> str:
        return self.title


class PreparationQuestion(models.Model):
    """A question (förberedande fråga) put to one or more roles before the talk."""

    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    roles = models.JSONField(help_text="Roles the question is put to, e.g. ['pupil', 'guardian'].")

    class Meta:
        ordering = ["section", "order"]

    def __str__(self) -> str:
        return self.text[:60]


class PlanState(models.TextChoices):
    """draft -> agreed (locked at the development talk) -> archived."""

    DRAFT = "draft", "Utkast"
    AGREED = "agreed", "Överenskommen"
    ARCHIVED = "archived", "Arkiverad"


class DevelopmentPlan(Versioned):
    """A pupil's individual development plan (IUP) for one term."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="plans")
    term = models.CharField(max_length=6, validators=[term_validator])
    template = models.ForeignKey(PlanTemplate, on_delete=models.PROTECT, related_name="plans")
    state = models.CharField(max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    talk_date = models.DateField(null=True, blank=True)
    talk_evaluation = models.TextField(blank=True)
    agreed_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pupil", "term"], name="one_plan_per_term")]
        indexes = [models.Index(fields=["pupil", "state"])]

    def __str__(self) -> str:
        return f"IUP {self.term} {self.pupil}"


class Answer(Versioned):
    """One role's answer to a preparation question in a plan."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(PreparationQuestion, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=QuestionRole.choices)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "question", "role"], name="one_answer_per_role"
            )
        ]

    def __str__(self) -> str:
        return str(f"{self.role}: {self.text[:50]}")


class ReadConfirmation(models.Model):
    """A guardian's "I have read it", with wishes for the talk."""

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.CASCADE, related_name="read_confirmations"
    )
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    wishes = models.TextField(blank=True)
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "guardian"], name="one_confirmation_each")
        ]

    def __str__(self) -> str:
        return str(f"Läst {self.plan}")


class GoalStatus(models.TextChoices):
    """Måltrappan: Nytt -> Pågående -> Klart -> Uppfyllt (or Avbrutet)."""

    NEW = "new", "Nytt"
    IN_PROGRESS = "in_progress", "Pågående"
    DONE = "done", "Klart"
    ACHIEVED = "achieved", "Uppfyllt"
    CANCELLED = "cancelled", "Avbrutet"


class Goal(Versioned):
    """A goal in a plan, with what to do, who is responsible and how it went."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField()
    activities = models.TextField(blank=True, help_text="What will be done to reach it.")
    responsible = models.TextField(blank=True, help_text="Who is responsible for what.")
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.NEW)
    evaluation = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subjects = models.ManyToManyField(Subject, blank=True, related_name="+")
    knowledge_requirements = models.ManyToManyField(
        KnowledgeRequirement, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["plan", "status"])]

    def __str__(self) -> str:
        return str(self.text[:60])


class GoalStatusChange(models.Model):
    """One step on the ladder: who moved the goal, from what to what, when."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=12, choices=GoalStatus.choices)
    to_status = models.CharField(max_length=12, choices=GoalStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["goal", "changed_at"]

    def __str__(self) -> str:
        return str(f"{self.from_status} -> {self.to_status}")
