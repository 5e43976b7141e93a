"""Runs of the live SS 12000 sync (`manage.py sync_ss12000`), and its lock."""

from __future__ import annotations

from django.db import models


class SyncOutcome(models.TextChoices):
    """How a sync run ended."""

    RUNNING = "running", "Pågår"
    OK = "ok", "Klar"
    FAILED = "failed", "Misslyckades"
    STOPPED = "stopped", "Stoppad (för många avslut)"


class SyncRun(models.Model):
    """One run of the sync: when, what it did, how it ended. No personal data."""

    source = models.CharField(max_length=200, help_text="The SS 12000 server's base URL.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # A delta asks for what changed after the last good run's start; the first run loads all.
    delta_after = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=8, choices=SyncOutcome.choices, default=SyncOutcome.RUNNING
    )
    counts = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ("-started_at",)
        indexes = [
            models.Index(fields=["source", "outcome", "-started_at"], name="sync_run_by_source")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class SyncLock(models.Model):
    """Held by the one sync running for a source: a row per source, unique."""

    source = models.CharField(max_length=200, unique=True)
    taken_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.source} since {self.taken_at:%Y-%m-%d %H:%M}"
