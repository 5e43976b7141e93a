"""django-guardian grant tables with direct foreign keys.

Direct keys (instead of guardian's generic object_pk text column) let
`visible_pupils` join grants in SQL with indexes; see guardian's docs on
"direct foreign keys".
"""

from __future__ import annotations

from django.db import models
from guardian.models import UserObjectPermissionBase

from core.models import Group, Organisation, Pupil, School


class OrganisationGrant(UserObjectPermissionBase):  # type: ignore[misc]
    """A role over every school of an organiser (huvudman)."""

    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):  # type: ignore[misc]
        pass


class SchoolGrant(UserObjectPermissionBase):  # type: ignore[misc]
    """A role over one school unit: principal, administrator, analytics."""

    content_object = models.ForeignKey(School, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):  # type: ignore[misc]
        pass


class GroupGrant(UserObjectPermissionBase):  # type: ignore[misc]
    """Teaching a group without an imported assignment (a substitute)."""

    content_object = models.ForeignKey(Group, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):  # type: ignore[misc]
        pass


class PupilGrant(UserObjectPermissionBase):  # type: ignore[misc]
    """An explicit one-off share of one pupil's page."""

    content_object = models.ForeignKey(Pupil, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):  # type: ignore[misc]
        pass
