"""Open sockets hear at once when a credential they may rest on ends.

Sessions end and accounts change through Django's own paths as well as
ours (the admin's user page and password form, `/accounts/logout/`,
`manage.py changepassword`), so the hints hang on Django's signals rather
than on each caller: a sign-out, and a saved user whose active flag or
password may have changed, a saved or deleted token (`token_revoke`, the
admin's token page), a deleted user. The event only asks every socket of the user to
check its own credential (`subscriptions.consumers`); a socket on a
credential that still holds stays open.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.events import credentials_changed, session_digest
from core.models import ApiToken, User

# Saves that touch none of these leave every credential as it was (a login
# stamps last_login; accepting the terms changes terms_version only).
_CREDENTIAL_FIELDS = frozenset({"is_active", "password"})


def credentials_ended(user_id: int) -> None:
    """Tell every socket of the user, once the change is committed."""
    transaction.on_commit(lambda: credentials_changed([user_id]))


@receiver(user_logged_out, dispatch_uid="credentials.logged_out")
def _logged_out(sender: Any, request: Any, user: User | None, **_: Any) -> None:  # noqa: ARG001
    # Sent before the session is deleted, so the event names it as ended.
    key = getattr(getattr(request, "session", None), "session_key", None)
    if user is not None and key:
        ended = session_digest(key)
        transaction.on_commit(lambda: credentials_changed([user.pk], ended_session=ended))


@receiver(post_save, sender=User, dispatch_uid="credentials.user_saved")
def _user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:  # noqa: ARG001
    fields = kwargs.get("update_fields")
    if not created and (fields is None or _CREDENTIAL_FIELDS & set(fields)):
        credentials_ended(instance.pk)


@receiver(post_save, sender=ApiToken, dispatch_uid="credentials.token_saved")
def _token_saved(sender: Any, instance: ApiToken, created: bool, **_: Any) -> None:  # noqa: ARG001
    if not created:  # revoked, or its expiry changed (use stamps go by update())
        credentials_ended(instance.user_id)


@receiver(post_delete, sender=ApiToken, dispatch_uid="credentials.token_deleted")
@receiver(post_delete, sender=User, dispatch_uid="credentials.user_deleted")
def _deleted(sender: Any, instance: ApiToken | User, **_: Any) -> None:  # noqa: ARG001
    credentials_ended(instance.user_id if isinstance(instance, ApiToken) else instance.pk)
