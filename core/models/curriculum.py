"""Subjects; the full curriculum (knowledge requirements) builds on these."""

from __future__ import annotations

from django.db import models


class Subject(models.Model):
    """A school subject (ämne), e.g. Matematik, from an SS 12000 syllabus."""

    external_id = models.UUIDField(
        unique=True, null=True, blank=True, help_text="SS 12000 syllabus id."
    )
    code = models.CharField(max_length=10, blank=True, help_text="Skolverket's subject code.")
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.name
