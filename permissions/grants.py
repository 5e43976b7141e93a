"""Granting and revoking the stored roles (django-guardian)."""

from __future__ import annotations

from django.db import models
from guardian.shortcuts import assign_perm, remove_perm

from core.models import Group, Organisation, Pupil, School, User
from permissions.codenames import SCHOOL_GRANTS, Grant

TARGETS: dict[Grant, tuple[type[models.Model], ...]] = {
    **dict.fromkeys(SCHOOL_GRANTS, (School, Organisation)),
    Grant.GROUP_TEACHER: (Group,),
    Grant.PUPIL_SHARE: (Pupil,),
}


class GrantError(ValueError):
    """The grant does not apply to that kind of object."""


def grant_change(*, grant: Grant, user: User, obj: models.Model, revoke: bool = False) -> None:
    """Give (or take back) `grant` on `obj`; refuses objects it does not apply to."""
    if not isinstance(obj, TARGETS[grant]):
        kinds = " or ".join(model.__name__ for model in TARGETS[grant])
        msg = f"{grant.value} is granted on a {kinds}, not a {type(obj).__name__}."
        raise GrantError(msg)
    if revoke:
        remove_perm(grant.perm, user, obj)
    else:
        assign_perm(grant.perm, user, obj)
