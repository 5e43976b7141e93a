"""Notices: what changed on a page someone follows, one unread row per item.

A notice points at the item it is about (a plan, an assessment, a log
entry, a post) by GraphQL type name and id, and at the pupil, group or
school whose readers it is for, so it is re-authorized whenever it is read.
Further changes to an item fold into its unread notice instead of stacking
new ones; reading it lets the next change start a new one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models.organisations import Group, School
from core.models.roster import Pupil


class NoticeKind(models.TextChoices):
    """What happened."""

    PLAN_CHANGED = "plan_changed", "Nytt i utvecklingsplanen"
    PLAN_AGREED = "plan_agreed", "Utvecklingsplanen är överenskommen"
    GOAL_MOVED = "goal_moved", "Ett mål har flyttats"
    ASSESSMENT_PUBLISHED = "assessment_published", "Nytt skriftligt omdöme"
    LOG_ENTRY = "log_entry", "Nytt i lärloggen"
    LOG_COMMENT = "log_comment", "Ny kommentar i lärloggen"
    BLOG_POST = "blog_post", "Nytt inlägg"


class NoticeCategory(models.TextChoices):
    """Which of the three email preferences a notice falls under."""

    IMPORTANT = "important", "Viktiga notiser"
    MESSAGES = "messages", "Meddelanden från skola och klass"
    SYSTEM = "system", "Systemmeddelanden"


class EmailDigest(models.Model):
    """One email to one person, listing their notices since the last one.

    The durable queue of the mail worker: a digest is written before it is
    sent, retried with back-off while the mail server refuses it, and marked
    sent once, so no notice is mailed twice or lost.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_digests"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"Digest {self.pk} to {self.recipient_id}"


class Notice(models.Model):
    """Something new for one recipient about one item."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=24, choices=NoticeKind.choices)
    category = models.CharField(max_length=10, choices=NoticeCategory.choices)
    target_type = models.CharField(max_length=40, help_text="GraphQL type of the item.")
    target_id = models.PositiveBigIntegerField()
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.CharField(max_length=200)
    changes = models.PositiveIntegerField(default=1, help_text="Changes folded in.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(help_text="The latest change; newest first.")
    read_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(
        EmailDigest, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "target_type", "target_id"],
                condition=Q(read_at__isnull=True),
                name="one_unread_notice_per_item",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at", "-updated_at"])]

    def __str__(self) -> str:
        return str(self.text)
