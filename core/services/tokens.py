"""Bearer tokens: create, revoke, and resolve to a user.

The secret is shown once at creation; only its SHA-256 digest is stored.
A plain hash suffices (no slow KDF) because the secret is 256 random bits,
not a password a person chose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from core.models import ApiToken, User

PREFIX = "sks_"
_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret, shown only now."""
    secret = PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=days) if days else None
    token = ApiToken(
        user=user,
        name=name.strip() or "token",
        prefix=secret[:10],
        digest=_digest(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    return token, secret


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke `token` now; revoking twice keeps the first time."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def token_authenticate(secret: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to."""
    if not secret.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def bearer_secret(header: str | None) -> str | None:
    """The secret of an `Authorization: Bearer ...` value, or None for other schemes."""
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()
