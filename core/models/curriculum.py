"""Curricula, subjects and knowledge requirements (Lgr22, Lpfö18)."""

from __future__ import annotations

from django.db import models


class Curriculum(models.Model):
    """A national curriculum (läroplan), e.g. Lgr22 or Lpfö18."""

    code = models.CharField(max_length=10, unique=True, help_text="E.g. 'Lgr22'.")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.code


class Subject(models.Model):
    """A school subject (ämne), e.g. Matematik, or a preschool goal area."""

    external_id = models.UUIDField(
        unique=True, null=True, blank=True, help_text="SS 12000 syllabus id."
    )
    curriculum = models.ForeignKey(
        Curriculum, null=True, blank=True, on_delete=models.PROTECT, related_name="subjects"
    )
    code = models.CharField(max_length=10, blank=True, help_text="Skolverket's subject code.")
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name


class KnowledgeRequirement(models.Model):
    """A requirement or goal in a subject, for a stage of school years."""

    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="knowledge_requirements"
    )
    code = models.CharField(max_length=30, help_text="Stable code, e.g. 'MA-6-1'.")
    stage = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last school year of the stage (3, 6 or 9)."
    )
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "code"], name="requirement_code_unique")
        ]

    def __str__(self) -> str:
        return self.code
