"""Notices: recorded after a change commits, folded per item, marked read.

Services call `notify` inside their transaction; nothing is recorded or
sent unless the change commits. One unread notice per item and recipient:
a further change updates it and moves it to the top instead of stacking a
new one. Every recipient's open sockets are then woken (`subscriptions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.events import notices_changed
from core.models import Notice, NoticeCategory, NoticeKind, User
from core.selectors.notices import notices_of
from core.services.errors import NotFound

CATEGORY = {NoticeKind.BLOG_POST: NoticeCategory.MESSAGES}


@dataclass(frozen=True)
class Change:
    """What changed, on which item, for the readers of which page, group or school."""

    kind: NoticeKind
    target_type: str
    target_id: int
    text: str
    pupil_id: int | None = None
    group_id: int | None = None
    school_id: int | None = None


def notify(change: Change, *, actor: User, audience: QuerySet[User]) -> None:
    """Record `change` for `audience` (never the actor) once the transaction commits."""

    def record() -> None:
        recipients = list(audience.exclude(pk=actor.pk).values_list("pk", flat=True))
        notice_record(change, actor_id=actor.pk, recipient_ids=recipients)

    transaction.on_commit(record)


def notice_record(change: Change, *, actor_id: int | None, recipient_ids: list[int]) -> None:
    """Fold the change into each recipient's unread notice of the item, or start one."""
    if not recipient_ids:
        return
    now = timezone.now()
    item = {"target_type": change.target_type, "target_id": change.target_id}
    latest = {"kind": change.kind, "text": change.text, "actor_id": actor_id, "updated_at": now}
    category = CATEGORY.get(change.kind, NoticeCategory.IMPORTANT)
    with transaction.atomic():
        unread = Notice.objects.filter(
            recipient_id__in=recipient_ids, read_at__isnull=True, **item
        )
        folded = set(unread.values_list("recipient_id", flat=True))
        unread.update(changes=F("changes") + 1, **latest)
        Notice.objects.bulk_create(
            [
                Notice(
                    recipient_id=pk,
                    category=category,
                    pupil_id=change.pupil_id,
                    group_id=change.group_id,
                    school_id=change.school_id,
                    **item,
                    **latest,
                )
                for pk in recipient_ids
                if pk not in folded
            ],
            ignore_conflicts=True,  # a concurrent change started it first: folded there
        )
    notices_changed(recipient_ids)  # called after commit (by `notify`)


def notice_mark_read(*, actor: User, notice_id: int) -> Notice:
    """Mark one of the actor's notices read."""
    with transaction.atomic():
        notice = notices_of(actor).select_for_update().filter(pk=notice_id).first()
        if notice is None:
            raise NotFound
        if notice.read_at is None:
            notice.read_at = timezone.now()
            notice.save(update_fields=["read_at"])
    transaction.on_commit(lambda: notices_changed([actor.pk], notice.pk))
    return notice


def notices_mark_all_read(*, actor: User) -> int:
    """Mark every unread notice of the actor read; returns how many."""
    count = notices_of(actor).filter(read_at__isnull=True).update(read_at=timezone.now())
    if count:
        transaction.on_commit(lambda: notices_changed([actor.pk]))
    return count
