"""Bearer tokens: create, revoke, and resolve to a user; every token expires.

The secret is shown once at creation; only its SHA-256 digest is stored.
A plain hash suffices (no slow KDF) because the secret is 256 random bits,
not a password a person chose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import ApiToken, User
from core.services.errors import Invalid
from permissions.assurance import Assurance, assurance_of, parse, stamp, token_level

PREFIX = "sks_"
_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, user: User, name: str, days: int | None = None, parent: ApiToken | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret, shown only now.

    Every token expires: `days` from now, TOKEN_DEFAULT_DAYS when not given,
    at most TOKEN_MAX_DAYS. A request signed in with a token (`parent`)
    cannot make one that outlives it: without `days` the new token expires
    with `parent`, and a `days` that reaches past it is refused. Nor is a
    token stronger than the sign-in that made it: it keeps the level stamped
    on `user` by the request (LOW when none was), and never more than `parent`'s.
    """
    expires_at = _expiry(days, parent, timezone.now())
    level = token_level(
        assurance_of(user) or Assurance.LOW,
        parse(parent.assurance) if parent is not None else None,
    )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or "token",
        prefix=secret[:10],
        digest=_digest(secret),
        expires_at=expires_at,
        assurance=int(level),
    )
    token.full_clean()
    token.save()
    return token, secret


def _expiry(days: int | None, parent: ApiToken | None, now: dt.datetime) -> dt.datetime:
    """When a token asked for `days` by a request on `parent` expires, or Invalid."""
    maximum = settings.TOKEN_MAX_DAYS
    if days is not None and not 1 <= days <= maximum:
        raise Invalid(f"days must be between 1 and {maximum}.", field="days")
    expires_at = now + dt.timedelta(days=days or settings.TOKEN_DEFAULT_DAYS)
    limit = parent.expires_at if parent is not None else None
    if limit is None or expires_at <= limit:
        return expires_at
    if days is None:
        return limit
    left = (limit - now).days
    if left < 1:
        raise Invalid(
            "Leave days out: the token this request signed in with expires within a day.",
            field="days",
        )
    raise Invalid(
        f"days must be at most {left}: the token this request signed in with expires sooner.",
        field="days",
    )


def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke `token` now; revoking twice keeps the first time."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def token_authenticate(secret: str) -> User | None:
    """The active user a valid, unexpired, unrevoked token belongs to, stamped with its level."""
    token = token_resolve(secret)
    return stamp(token.user, parse(token.assurance)) if token is not None else None


def token_resolve(secret: str) -> ApiToken | None:
    """The valid, unexpired, unrevoked token of an active user, with its user.

    A token without an expiry counts as expired: every token is made with
    one, so a blank one was cleared by hand.
    """
    if not secret.startswith(PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or token.expires_at is None or token.expires_at <= now:
        return None
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def bearer_secret(header: str | None) -> str | None:
    """The secret of an `Authorization: Bearer ...` value, or None for other schemes."""
    if not header:
        return None
    scheme, _, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip()
