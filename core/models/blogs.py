"""Blogs: a class's, a school's, a pupil's private one, preschool documentation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.models.organisations import Group, School
from core.models.roster import Pupil


class BlogKind(models.TextChoices):
    """Where a post belongs, which decides who reads it."""

    GROUP = "group", "Klassblogg"
    SCHOOL = "school", "Skolblogg"
    PRIVATE = "private", "Privat blogg"
    DOCUMENTATION = "documentation", "Pedagogisk dokumentation"


class BlogPost(models.Model):
    """A post; exactly one of group, school or pupil is set, as `kind` says."""

    kind = models.CharField(max_length=14, choices=BlogKind.choices)
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="private_posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind__in=["group", "documentation"],
                        group__isnull=False,
                        school__isnull=True,
                        pupil__isnull=True,
                    )
                    | Q(
                        kind="school", school__isnull=False, group__isnull=True, pupil__isnull=True
                    )
                    | Q(
                        kind="private",
                        pupil__isnull=False,
                        group__isnull=True,
                        school__isnull=True,
                    )
                ),
                name="blog_post_has_one_owner",
            )
        ]
        indexes = [models.Index(fields=["group", "-created_at"])]

    def __str__(self) -> str:
        return str(self.title)


class BlogImage(models.Model):
    """A photo in a post."""

    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="blog/%Y/%m/", width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.image.name)
