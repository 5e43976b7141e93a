"""Teaching plans (LPP) and assessment matrices with pupils' marks."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models.curriculum import KnowledgeRequirement, Subject
from core.models.organisations import Group
from core.models.roster import Pupil


class TeachingPlan(models.Model):
    """A local teaching plan (LPP) for a group in a subject."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="teaching_plans")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    content = models.TextField(help_text="What the pupils will learn and how.")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    knowledge_requirements = models.ManyToManyField(
        KnowledgeRequirement, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.title)


class AssessmentMatrix(models.Model):
    """A matrix (bedömningsmatris): criteria by levels, e.g. for one LPP."""

    teaching_plan = models.ForeignKey(
        TeachingPlan, null=True, blank=True, on_delete=models.CASCADE, related_name="matrices"
    )
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    levels = models.JSONField(help_text="Level names in rising order, e.g. ['E', 'C', 'A'].")

    def __str__(self) -> str:
        return str(self.title)


class MatrixCriterion(models.Model):
    """One row of a matrix, with a description per level."""

    matrix = models.ForeignKey(AssessmentMatrix, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    level_descriptions = models.JSONField(help_text="One description per level, same order.")
    knowledge_requirement = models.ForeignKey(
        KnowledgeRequirement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["matrix", "order"]

    def __str__(self) -> str:
        return str(self.text[:60])


class MatrixMark(models.Model):
    """The level a pupil has reached on one criterion."""

    criterion = models.ForeignKey(MatrixCriterion, on_delete=models.CASCADE, related_name="marks")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="matrix_marks")
    level = models.PositiveSmallIntegerField(help_text="Index into the matrix's levels.")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["criterion", "pupil"], name="one_mark_per_criterion")
        ]

    def __str__(self) -> str:
        return str(f"{self.pupil}: {self.level}")
