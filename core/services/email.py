"""Notice email: a digest per recipient and interval, from a queue in the database.

`digests_queue` gathers each recipient's unmailed notices into one
`EmailDigest` row; `digests_send` mails the due rows through Django's email
backend and retries failures with back-off. A notice joins at most one
digest and a digest is mailed at most once, so a notice is never mailed
twice; a digest the mail server refused stays queued, so nothing is lost
while SMTP is down. `manage.py send_notice_emails` runs both in a loop.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from core.models import AccountSettings, EmailDigest, Notice, NoticeCategory, User
from core.selectors.notices import readable_notices
from permissions.assurance import notice_text, strong_only_pupils

logger = logging.getLogger(__name__)

# The AccountSettings field that decides whether a category is mailed.
PREFERENCE = {
    NoticeCategory.IMPORTANT: "email_important",
    NoticeCategory.MESSAGES: "email_messages",
    NoticeCategory.SYSTEM: "email_system",
}
BACKOFF_BASE = dt.timedelta(seconds=60)
BACKOFF_CAP = dt.timedelta(hours=6)
ERROR_LIMIT = 500
# Why a digest has `sent_at` but no mail went out (an empty last_error means it did).
NOTHING_LEFT = "Nothing left to send: its notices were read, or are no longer readable or mailed."
NO_ADDRESS = "Not sent: the recipient has no email address any more."
SENDING = "Sending. If this stays, the worker stopped before it learnt the outcome."
SUBJECT = "Nytt i Skolsidan ({count})"
GREETING = "Hej!\n\nDet här är nytt för dig i Skolsidan:\n"
FOOTER = (
    "Logga in i Skolsidan för att läsa mer.\n"
    "Vilka e-postmeddelanden du får väljer du under Inställningar i Skolsidan."
)


def digest_backoff(attempts: int) -> dt.timedelta:
    """How long a digest waits after its `attempts`-th failure: 2, 4, 8 minutes… at most 6 h."""
    # The exponent is capped so a long outage never computes a huge power.
    return min(BACKOFF_BASE * (1 << min(attempts, 16)), BACKOFF_CAP)


def digests_queue(*, now: dt.datetime | None = None) -> int:
    """Gather each due recipient's mailable notices into one new digest; returns how many.

    A recipient is due when they have an email address, no unsent digest and
    none created within `NOTICE_EMAIL_INTERVAL`; their notices are mailable
    while unread, still readable by them and of a category they mail. `now`
    is this round's clock (tests move it); `created_at` is the real one's.
    """
    now = now or timezone.now()
    pending = Notice.objects.filter(_opted_in(), read_at__isnull=True, digest__isnull=True)
    candidates = (
        User.objects.filter(Q(person__email__gt="") | Q(email__gt=""), is_active=True)
        .filter(pk__in=pending.values("recipient_id"))
        .exclude(_waiting(now))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(_digest_create(user_id, now) for user_id in list(candidates))


def digests_send(
    *, now: dt.datetime | None = None, connection: BaseEmailBackend | None = None
) -> tuple[int, int]:
    """Mail every due digest, one message each; returns (sent, failed).

    A failure leaves the digest queued with its notices for a retry after
    `digest_backoff`; a digest with nothing left to mail is closed unsent.
    """
    now = now or timezone.now()
    backend: BaseEmailBackend = connection or get_connection()
    due = EmailDigest.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
    sent = failed = 0
    for digest_id in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)):
        claim = _digest_claim(digest_id, now, backend)
        if claim is None:
            continue
        # The claim is committed: from here until the outcome is written the
        # digest reads as sent, so a worker that dies in between loses this
        # one mail (its last_error says SENDING) rather than mailing it twice.
        try:
            _deliver(claim.message)
        except Exception as error:  # noqa: BLE001 - backends raise anything; all mean "retry"
            _digest_failed(claim, now, error)
            failed += 1
        else:
            EmailDigest.objects.filter(pk=digest_id).update(last_error="")
            sent += 1
    return sent, failed


@dataclass(frozen=True)
class _Claim:
    digest_id: int
    attempts: int
    message: EmailMessage


def _opted_in() -> Q:
    """Notices of a category their recipient mails; no settings row means the defaults."""
    defaults = AccountSettings()
    chosen = []
    for category, field in PREFERENCE.items():
        wanted = Q(**{f"recipient__account_settings__{field}": True})
        if getattr(defaults, field):
            wanted |= Q(recipient__account_settings__isnull=True)
        chosen.append(Q(category=category) & wanted)
    return reduce(or_, chosen)


def _mailable(user: User) -> QuerySet[Notice]:
    """The user's notices that may still be mailed to them, newest change first."""
    return Notice.objects.filter(
        readable_notices(user), _opted_in(), read_at__isnull=True
    ).order_by("-updated_at", "-pk")


def _waiting(now: dt.datetime) -> Exists:
    """Users who must wait: an unsent digest, or one started within the interval.

    Waiting on an unsent digest keeps a mail server outage (or an address
    that is refused for good) from piling up digests for one person.
    """
    since = now - dt.timedelta(seconds=settings.NOTICE_EMAIL_INTERVAL)
    return Exists(
        EmailDigest.objects.filter(
            Q(sent_at__isnull=True) | Q(created_at__gt=since), recipient_id=OuterRef("pk")
        )
    )


def _digest_create(user_id: int, now: dt.datetime) -> int:
    """One digest for the user holding their mailable notices; 1 if created, else 0."""
    with transaction.atomic():
        # Two workers queue the same user one after the other: the second skips
        # the locked row, or finds the first one's digest once it has the lock.
        # NO KEY so that notices can still be inserted for the user meanwhile.
        # SQLite ignores the lock; its IMMEDIATE transactions run one at a time.
        user = (
            User.objects.select_for_update(skip_locked=True, no_key=True)
            .filter(pk=user_id, is_active=True)
            .exclude(_waiting(now))
            .first()
        )
        if user is None:
            return 0
        ids = list(_mailable(user).filter(digest__isnull=True).values_list("pk", flat=True))
        if not ids:
            return 0
        digest = EmailDigest.objects.create(recipient=user, next_attempt_at=now)
        # Conditional, so a notice can only ever join one digest.
        joined = Notice.objects.filter(pk__in=ids, digest__isnull=True, read_at__isnull=True)
        if not joined.update(digest=digest):
            transaction.set_rollback(True)
            return 0
    return 1


def _digest_claim(digest_id: int, now: dt.datetime, backend: BaseEmailBackend) -> _Claim | None:
    """Mark a due digest as sent and build its mail, in a committed step of its own.

    None when another worker has it or nothing is left to mail (then it is
    closed here, with the reason in last_error).
    """
    # Durable: the mark must be committed before the mail server hears of it.
    with transaction.atomic(durable=True):
        digest = (
            EmailDigest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient__person")
            .filter(pk=digest_id, sent_at__isnull=True, next_attempt_at__lte=now)
            .first()
        )
        if digest is None:
            return None
        recipient = digest.recipient
        notices = list(_mailable(recipient).filter(digest=digest))
        address = _address(recipient)
        reason = NOTHING_LEFT if not notices else NO_ADDRESS if not address else SENDING
        digest.sent_at, digest.last_error = now, reason
        digest.save(update_fields=["sent_at", "last_error"])
        if reason != SENDING:
            return None
        message = EmailMessage(
            subject=SUBJECT.format(count=len(notices)),
            body=_body(notices),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            connection=backend,
        )
        return _Claim(digest.pk, digest.attempts, message)


def _deliver(message: EmailMessage) -> None:
    """Hand the mail to the backend; a backend that reports nothing sent has failed."""
    if not message.send():
        raise RuntimeError("The mail backend accepted no message.")


def _digest_failed(claim: _Claim, now: dt.datetime, error: Exception) -> None:
    """Put the digest back in the queue, with its notices, after the back-off."""
    attempts = claim.attempts + 1
    reason = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
    EmailDigest.objects.filter(pk=claim.digest_id).update(
        sent_at=None,
        attempts=attempts,
        last_error=reason,
        next_attempt_at=now + digest_backoff(attempts),
    )
    logger.warning("Notice digest %s failed (attempt %s): %s", claim.digest_id, attempts, reason)


def _address(user: User) -> str:
    """Where the user's mail goes: the roster address, else the account's."""
    person = user.person
    return (person.email if person is not None else "") or user.email


def _body(notices: list[Notice]) -> str:
    """The plain-text mail: each notice's text and time, then where to change preferences.

    The notices' own short texts and nothing more (no pupil names), since
    mail travels outside the service's access control; about a pupil whose
    organiser asks for strong login, only the kind of change (mail has no
    sign-in at all).
    """
    hidden = strong_only_pupils({n.pupil_id for n in notices if n.pupil_id is not None})
    lines = [
        f"- {notice_text(n, hidden)} ({timezone.localtime(n.updated_at):%Y-%m-%d %H:%M})"
        for n in notices
    ]
    return "\n".join([GREETING, *lines, "", FOOTER, ""])
