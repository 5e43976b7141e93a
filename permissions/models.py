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
