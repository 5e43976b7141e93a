"""Notice email: one digest per person and interval, per their preferences, never twice.

Notices are created directly for Karin (the guardian) about Alva's plan;
`digests_queue` gathers them into a digest and `digests_send` mails it
through the configured backend (locmem here, a real SMTP backend pointed at
a closed port for an outage).
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import threading
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from core.models import (
    AccountSettings,
    EmailDigest,
    Guardianship,
    Notice,
    NoticeCategory,
    Organisation,
    Person,
    User,
)
from core.models import NoticeKind as Kind
from core.services.email import NOTHING_LEFT, digest_backoff, digests_queue, digests_send
from tests.cast import Cast, end_guardianships

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
INTERVAL = dt.timedelta(seconds=django_settings.NOTICE_EMAIL_INTERVAL)
PG_ONLY = pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="SQLite has no row locks; its writers take turns.",
)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = LOCMEM


@pytest.fixture
def now() -> dt.datetime:
    """The worker's clock for the test; digests are stamped `created_at` by the real one."""
    return timezone.now()


def guardian(cast: Cast) -> User:
    found = cast["guardian"]
    assert isinstance(found, User)
    return found


def notice(
    cast: Cast,
    text: str,
    category: str = NoticeCategory.IMPORTANT,
    kind: str = Kind.PLAN_CHANGED,
    **extra: Any,
):
    """A notice for the guardian about one of Alva's plans (a new plan id each time)."""
    return Notice.objects.create(
        recipient=guardian(cast),
        kind=kind,
        category=category,
        target_type="DevelopmentPlan",
        target_id=Notice.objects.count() + 1,
        pupil=cast.alva,
        text=text,
        updated_at=timezone.now(),
        **extra,
    )


def digest_of(*notices: Notice) -> list[int | None]:
    return [Notice.objects.get(pk=n.pk).digest_id for n in notices]


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def smtp_down(settings) -> None:
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_TIMEOUT = 2


def test_two_notices_go_out_in_one_mail(cast, now):
    # given: an organiser that lets its pages be read without strong login
    Organisation.objects.update(strong_login_required=False)
    first, second = notice(cast, "Nytt svar i utvecklingsplanen HT2026"), notice(cast, "Nytt mål")

    # when
    queued = digests_queue(now=now)
    result = digests_send(now=now)

    # then
    digest = EmailDigest.objects.get()
    assert (queued, result) == (1, (1, 0))
    assert digest_of(first, second) == [digest.pk, digest.pk]
    assert (digest.recipient, digest.sent_at, digest.attempts, digest.last_error) == (
        guardian(cast),
        now,
        0,
        "",
    )
    assert [(m.subject, m.to, m.from_email) for m in mail.outbox] == [
        ("Nytt i Skolsidan (2)", ["guardian@example.com"], django_settings.DEFAULT_FROM_EMAIL)
    ]
    at = [timezone.localtime(n.updated_at).strftime("%Y-%m-%d %H:%M") for n in (first, second)]
    assert f"\n- Nytt mål ({at[1]})\n- Nytt svar i utvecklingsplanen HT2026 ({at[0]})\n" in (
        mail.outbox[0].body
    )
    assert "Inställningar" in mail.outbox[0].body


def test_where_strong_login_is_required_a_mail_names_only_the_kind_of_change(cast, now):
    # given: a goal moved and an assessment published on Alva's page
    moved = notice(cast, "Ett mål är nu uppnått", kind=Kind.GOAL_MOVED)
    published = notice(
        cast, "Nytt skriftligt omdöme i Matematik HT2026", kind=Kind.ASSESSMENT_PUBLISHED
    )

    # when
    digests_queue(now=now)
    digests_send(now=now)

    # then: mail has no sign-in at all, so it says no more than a password would read
    at = [timezone.localtime(n.updated_at).strftime("%Y-%m-%d %H:%M") for n in (moved, published)]
    body = mail.outbox[0].body
    assert f"\n- Nytt skriftligt omdöme ({at[1]})\n- Ett mål har flyttats ({at[0]})\n" in body
    assert ("Matematik" in body, "uppnått" in body) == (False, False)


def test_running_again_mails_nothing_twice(cast, now):
    # given
    notice(cast, "Nytt mål")
    digests_queue(now=now)
    digests_send(now=now)

    # when
    queued = digests_queue(now=now + dt.timedelta(minutes=1))
    result = digests_send(now=now + dt.timedelta(minutes=1))

    # then
    assert (queued, result) == (0, (0, 0))
    assert len(mail.outbox) == 1
    assert EmailDigest.objects.count() == 1


def test_a_new_notice_waits_for_the_interval_then_gets_its_own_digest(cast, now):
    # given
    Organisation.objects.update(strong_login_required=False)  # the texts in full
    old = notice(cast, "Nytt mål")
    digests_queue(now=now)
    digests_send(now=now)
    new = notice(cast, "Nytt skriftligt omdöme")
    minute = dt.timedelta(minutes=1)
    soon, later = now + INTERVAL - minute, now + INTERVAL + minute

    # when
    queued_soon = digests_queue(now=soon)
    waiting = digest_of(new)
    queued_later = digests_queue(now=later)
    result = digests_send(now=later)

    # then
    first, second = EmailDigest.objects.order_by("pk")
    assert (queued_soon, waiting, queued_later, result) == (0, [None], 1, (1, 0))
    assert digest_of(old, new) == [first.pk, second.pk]
    assert [m.subject for m in mail.outbox] == ["Nytt i Skolsidan (1)", "Nytt i Skolsidan (1)"]
    assert "Nytt skriftligt omdöme" in mail.outbox[1].body
    assert "Nytt mål" not in mail.outbox[1].body


@pytest.mark.parametrize(
    ("choices", "category", "mailed"),
    [
        ({"email_important": False}, NoticeCategory.IMPORTANT, False),
        ({"email_important": False}, NoticeCategory.MESSAGES, True),
        ({"email_messages": False}, NoticeCategory.MESSAGES, False),
        ({"email_messages": False}, NoticeCategory.IMPORTANT, True),
        ({"email_system": True}, NoticeCategory.SYSTEM, True),
        ({"email_system": False}, NoticeCategory.SYSTEM, False),
    ],
)
def test_each_category_is_mailed_as_chosen(cast, choices, category, mailed, now):
    # given
    AccountSettings.objects.create(user=guardian(cast), **choices)
    chosen = notice(cast, "Nytt", category=category)

    # when
    queued = digests_queue(now=now)
    digests_send(now=now)

    # then
    assert (queued, len(mail.outbox)) == (int(mailed), int(mailed))
    assert (digest_of(chosen) != [None]) is mailed


@pytest.mark.parametrize(
    ("category", "mailed"),
    [
        (NoticeCategory.IMPORTANT, True),
        (NoticeCategory.MESSAGES, True),
        (NoticeCategory.SYSTEM, False),
    ],
)
def test_without_settings_the_defaults_decide(cast, category, mailed, now):
    # given
    chosen = notice(cast, "Nytt", category=category)

    # when
    queued = digests_queue(now=now)

    # then
    assert queued == int(mailed)
    assert (digest_of(chosen) != [None]) is mailed


def test_an_unwanted_notice_stays_out_of_the_digest_of_wanted_ones(cast, now):
    # given
    AccountSettings.objects.create(user=guardian(cast), email_important=False)
    important = notice(cast, "Nytt mål", category=NoticeCategory.IMPORTANT)
    message = notice(cast, "Nytt inlägg: Utflykt", category=NoticeCategory.MESSAGES)

    # when
    digests_queue(now=now)
    digests_send(now=now)

    # then
    assert digest_of(important, message) == [None, EmailDigest.objects.get().pk]
    assert mail.outbox[0].subject == "Nytt i Skolsidan (1)"
    assert "Nytt mål" not in mail.outbox[0].body


def test_a_notice_read_before_queuing_is_not_mailed(cast, now):
    # given
    read = notice(cast, "Nytt mål", read_at=now)

    # when
    queued = digests_queue(now=now)
    result = digests_send(now=now)

    # then
    assert (queued, result, digest_of(read), mail.outbox) == (0, (0, 0), [None], [])


def test_a_notice_read_after_queuing_closes_the_digest_without_mail(cast, now):
    # given
    read = notice(cast, "Nytt mål")
    digests_queue(now=now)
    Notice.objects.filter(pk=read.pk).update(read_at=now)

    # when
    result = digests_send(now=now)

    # then
    digest = EmailDigest.objects.get()
    assert (result, mail.outbox) == ((0, 0), [])
    assert (digest.sent_at, digest.last_error) == (now, NOTHING_LEFT)


def test_a_recipient_without_an_email_address_gets_no_digest(cast, now):
    # given
    karin = guardian(cast)
    User.objects.filter(pk=karin.pk).update(email="")
    Person.objects.filter(user=karin).update(email="")
    unsent = notice(cast, "Nytt mål")

    # when
    queued = digests_queue(now=now)

    # then
    assert (queued, digest_of(unsent), EmailDigest.objects.count()) == (0, [None], 0)


def test_the_account_address_is_used_when_the_roster_has_none(cast, now):
    # given
    karin = guardian(cast)
    User.objects.filter(pk=karin.pk).update(email="karin@hem.example.com")
    Person.objects.filter(user=karin).update(email="")
    notice(cast, "Nytt mål")

    # when
    digests_queue(now=now)
    digests_send(now=now)

    # then
    assert [m.to for m in mail.outbox] == [["karin@hem.example.com"]]


def test_when_smtp_is_down_the_digest_waits_and_is_sent_once_later(cast, settings, now):
    # given
    notices = [notice(cast, "Nytt mål"), notice(cast, "Nytt svar")]
    digests_queue(now=now)
    smtp_down(settings)

    # when
    failed = digests_send(now=now)
    digest = EmailDigest.objects.get()

    # then
    assert failed == (0, 1)
    assert (digest.attempts, digest.next_attempt_at, digest.sent_at) == (
        1,
        now + dt.timedelta(seconds=120),
        None,
    )
    assert digest.last_error.startswith("ConnectionRefusedError: ")
    assert digest_of(*notices) == [digest.pk, digest.pk]

    # when the server is back, but too early
    settings.EMAIL_BACKEND = LOCMEM
    early = digests_send(now=now + dt.timedelta(seconds=119))
    # and once the back-off has passed
    back = now + dt.timedelta(seconds=121)
    queued, sent, again = digests_queue(now=back), digests_send(now=back), digests_send(now=back)

    # then
    digest.refresh_from_db()
    assert (early, queued, sent, again) == ((0, 0), 0, (1, 0), (0, 0))
    assert (digest.sent_at, digest.attempts, digest.last_error) == (back, 1, "")
    assert digest_of(*notices) == [digest.pk, digest.pk]
    assert [m.subject for m in mail.outbox] == ["Nytt i Skolsidan (2)"]


def fail_when_due() -> float:
    """Send the digest when it is due; the seconds it is then put off."""
    due = EmailDigest.objects.get().next_attempt_at
    digests_send(now=due)
    return (EmailDigest.objects.get().next_attempt_at - due).total_seconds()


def test_the_back_off_doubles_with_each_failure(cast, settings, now):
    # given
    notice(cast, "Nytt mål")
    digests_queue(now=now)
    smtp_down(settings)

    # when
    delays = [fail_when_due(), fail_when_due(), fail_when_due()]

    # then
    assert delays == [120, 240, 480]
    assert EmailDigest.objects.get().attempts == 3


@pytest.mark.parametrize(
    ("attempts", "seconds"),
    [(1, 120), (2, 240), (3, 480), (8, 15_360), (9, 21_600), (10, 21_600), (30_000, 21_600)],
)
def test_the_back_off_is_capped_at_six_hours(attempts, seconds):
    # when / then
    assert digest_backoff(attempts) == dt.timedelta(seconds=seconds)


def test_a_person_with_an_unsent_digest_gets_no_second_one(cast, settings, now):
    # given
    notice(cast, "Nytt mål")
    digests_queue(now=now)
    smtp_down(settings)
    digests_send(now=now)
    later = notice(cast, "Nytt svar")

    # when
    queued = digests_queue(now=now + 3 * INTERVAL)

    # then
    assert (queued, digest_of(later), EmailDigest.objects.count()) == (0, [None], 1)


def test_a_notice_about_a_pupil_no_longer_readable_is_not_mailed(cast, now):
    # given
    lost = notice(cast, "Nytt mål")
    end_guardianships(Guardianship.objects.filter(pupil=cast.alva))

    # when
    queued = digests_queue(now=now)

    # then
    assert (queued, digest_of(lost), mail.outbox) == (0, [None], [])


def test_access_lost_after_queuing_closes_the_digest_without_mail(cast, now):
    # given
    notice(cast, "Nytt mål")
    digests_queue(now=now)
    end_guardianships(Guardianship.objects.filter(pupil=cast.alva))

    # when
    result = digests_send(now=now)

    # then
    assert (result, mail.outbox, EmailDigest.objects.get().last_error) == (
        (0, 0),
        [],
        NOTHING_LEFT,
    )


def test_the_command_runs_one_round_and_prints_counts(cast):
    # given
    notice(cast, "Nytt mål")
    out = io.StringIO()

    # when
    call_command("send_notice_emails", "--once", stdout=out)

    # then
    assert out.getvalue() == "1 queued, 1 sent, 0 failed.\n"
    assert len(mail.outbox) == 1


def hold_lock(lock: Any) -> tuple[threading.Thread, threading.Event]:
    """Keep `lock()`'s rows locked in another connection until released."""
    held, release = threading.Event(), threading.Event()

    def run() -> None:
        with transaction.atomic():
            lock()
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    held.wait(10)
    return thread, release


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_digest_another_worker_holds_is_skipped(cast, now):
    # given
    notice(cast, "Nytt mål")
    digests_queue(now=now)
    pk = EmailDigest.objects.get().pk
    thread, release = hold_lock(
        lambda: list(EmailDigest.objects.select_for_update().filter(pk=pk))
    )

    # when
    skipped = digests_send(now=now)
    release.set()
    thread.join()
    sent = digests_send(now=now)

    # then
    assert (skipped, sent, len(mail.outbox)) == ((0, 0), (1, 0), 1)


@PG_ONLY
@pytest.mark.django_db(transaction=True)
def test_a_person_another_worker_is_queuing_is_skipped(cast, now):
    # given
    waiting = notice(cast, "Nytt mål")
    pk = guardian(cast).pk
    thread, release = hold_lock(lambda: list(User.objects.select_for_update().filter(pk=pk)))

    # when
    skipped = digests_queue(now=now)
    release.set()
    thread.join()
    queued = digests_queue(now=now)

    # then
    assert (skipped, queued, digest_of(waiting)) == (0, 1, [EmailDigest.objects.get().pk])
