"""django-guardian grant tables with direct foreign keys.

Direct keys (instead of guardian's generic object_pk text column) let
`visible_pupils` join grants in SQL with indexes; see guardian's docs on
"direct foreign keys".
"""

from __future__ import annotations

from django.db import models
from guardian.models import UserObjectPermissionBase

from core.models import Group, Organisation, Pupil, School


class OrganisationGrant(UserObjectPermissionBase):
    """A role over every school of an organiser (huvudman)."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class SchoolGrant(UserObjectPermissionBase):
    """A role over one school unit: principal, administrator, analytics."""

    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class GroupGrant(UserObjectPermissionBase):
    """Teaching a group without an imported assignment (a substitute)."""

    content_object = models.ForeignKey(Group, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class PupilGrant(UserObjectPermissionBase):
    """An explicit one-off share of one pupil's page."""

    content_object = models.ForeignKey(Pupil, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class Access(models.Model):
    """One viewer's standing toward one pupil, group or school over a period.

    Kept by `permissions.access` from the roster relations and the grants,
    in the transaction that changes them; every scope of `permissions.relations`
    is one indexed lookup of these rows by viewer and day. Relations give rows
    keyed by the roster `person`, grants rows keyed by the `user`. A row for a
    pupil names the pupil; a row for a group names the group and its school;
    a row for a school names only the school. `source` says which relation or
    grant gives the row, e.g. ``membership:12/assignment:5``.
    """

    person = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=16)
    first_day = models.DateField()
    last_day = models.DateField()
    source = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["person", "role", "last_day"], name="access_by_person"),
            models.Index(fields=["user", "role", "last_day"], name="access_by_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=True) ^ models.Q(user__isnull=True),
                name="access_person_xor_user",
            ),
            models.CheckConstraint(
                condition=models.Q(first_day__lte=models.F("last_day")),
                name="access_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        target = self.pupil_id or self.group_id or self.school_id
        return f"{self.person_id or self.user_id} {self.role} {target} {self.source}"
