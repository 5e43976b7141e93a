"""A signed-in person's own settings, and whether they still owe the terms."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from core.models import AccountSettings, ApiToken, Pupil, User
from permissions.relations import Viewer, children


def account_settings(user: Viewer) -> AccountSettings:
    """The user's settings; an unsaved row of defaults when none was stored yet."""
    found = AccountSettings.objects.filter(user_id=user.pk or 0).first()
    return found or AccountSettings(user_id=user.pk or 0)


def terms_pending(user: Viewer) -> bool:
    """Whether a signed-in user has yet to accept the current terms of use."""
    if not user.is_authenticated:
        return False
    return user.terms_version != settings.TERMS_VERSION


def children_of(user: Viewer) -> QuerySet[Pupil]:
    """The pupils the user holds guardian rights for today."""
    return children(user)


def token_of(user: User, token_id: int) -> ApiToken | None:
    """One of the user's own tokens, or None."""
    return ApiToken.objects.filter(pk=token_id, user_id=user.pk).first()
