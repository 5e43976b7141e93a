"""Written assessments and the learning log."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.models.curriculum import Subject
from core.models.plans import Goal, Versioned, term_validator
from core.models.roster import Pupil


class Prognosis(models.TextChoices):
    """The summative prognosis of a written assessment."""

    ON_TRACK = "on_track", "Når kunskapskraven"
    AT_RISK = "at_risk", "Riskerar att inte nå kunskapskraven"


class WrittenAssessment(Versioned):
    """A written assessment (skriftligt omdöme) per subject and term.

    "At risk" flags that an action programme (åtgärdsprogram) may be needed.
    A draft is seen by staff only until it is published.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="assessments")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=6, validators=[term_validator])
    text = models.TextField(blank=True)
    prognosis = models.CharField(max_length=10, choices=Prognosis.choices)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "subject", "term"], name="one_assessment_per_subject_term"
            )
        ]
        indexes = [models.Index(fields=["pupil", "term"])]

    @property
    def is_published(self) -> bool:
        """Whether pupil and guardians may read it."""
        return self.published_at is not None

    def __str__(self) -> str:
        return str(f"{self.subject} {self.term}: {self.pupil}")


class LearningLogEntry(Versioned):
    """An entry in a pupil's learning log (lärlogg), by the pupil or staff."""

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="log_entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    goals = models.ManyToManyField(Goal, blank=True, related_name="log_entries")

    class Meta:
        indexes = [models.Index(fields=["pupil", "-created_at"])]

    def __str__(self) -> str:
        return str(f"Lärlogg {self.pupil} {self.created_at:%Y-%m-%d}")


class LearningLogImage(models.Model):
    """An image attached to a learning-log entry; served only to its readers."""

    entry = models.ForeignKey(LearningLogEntry, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        upload_to="learning-log/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.image.name)


class LearningLogComment(models.Model):
    """A comment on a learning-log entry by someone who can read it."""

    entry = models.ForeignKey(LearningLogEntry, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "created_at"]

    def __str__(self) -> str:
        return str(self.text[:60])
