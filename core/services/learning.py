"""The learning log: entries by the pupil and staff, with pictures and goals; comments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction

from core.models import (
    Goal,
    LearningLogComment,
    LearningLogEntry,
    LearningLogImage,
    NoticeKind,
    User,
)
from core.selectors.notices import page_audience
from core.selectors.pages import pupil_page
from core.services.common import fetch, readable_pupil, require, save_versioned, text
from core.services.errors import Invalid
from core.services.notices import Change, notify
from core.services.uploads import image_checked, removed_on_failure
from permissions import rules

MAX_IMAGES = 10


def learning_log_entry_create(
    *,
    actor: User,
    pupil_id: int,
    text_: str,
    goal_ids: Sequence[int] = (),
    images: Sequence[IO[bytes] | Any] = (),
) -> LearningLogEntry:
    """A new entry in the pupil's log, linked to goals of the pupil's plans."""
    body = text(text_, "text")
    pictures = checked_images(images)
    pupil = readable_pupil(actor, pupil_id)
    require(rules.can_write_learning_log(actor, pupil))
    goals = _goals_of(pupil.pk, goal_ids)
    with removed_on_failure() as stored, transaction.atomic():
        entry = LearningLogEntry.objects.create(pupil=pupil, author=actor, text=body)
        entry.goals.set(goals)
        for picture in pictures:
            stored.append(LearningLogImage.objects.create(entry=entry, image=picture).image.name)
        _log_notice(entry, actor, NoticeKind.LOG_ENTRY, "Nytt inlägg i lärloggen")
        return entry


def learning_log_entry_update(
    *, actor: User, entry_id: int, version: int, text_: str, goal_ids: Sequence[int] = ()
) -> LearningLogEntry:
    """Edit one's own entry, while one still writes in the pupil's log."""
    body = text(text_, "text")
    with transaction.atomic():
        entry = fetch(
            LearningLogEntry.objects.select_related("pupil"),
            pupil_page(actor),
            entry_id,
            lock=True,
        )
        require(
            entry.author_id == actor.pk and rules.can_write_learning_log(actor, entry.pupil),
            "Only the author edits an entry.",
        )
        goals = _goals_of(entry.pupil_id, goal_ids)
        save_versioned(entry, version, text=body)
        entry.goals.set(goals)
        return entry


def learning_log_comment_create(*, actor: User, entry_id: int, text_: str) -> LearningLogComment:
    """A comment by anyone who reads the entry."""
    body = text(text_, "text", limit=4_000)
    entry = fetch(LearningLogEntry.objects.all(), pupil_page(actor), entry_id)
    with transaction.atomic():
        comment = LearningLogComment.objects.create(entry=entry, author=actor, text=body)
        _log_notice(entry, actor, NoticeKind.LOG_COMMENT, "Ny kommentar i lärloggen")
        return comment


def _log_notice(entry: LearningLogEntry, actor: User, kind: NoticeKind, text_: str) -> None:
    """One notice per entry: its comments fold into it until it is read."""
    change = Change(kind, "LearningLogEntry", entry.pk, text_, pupil_id=entry.pupil_id)
    notify(change, actor=actor, audience=page_audience(entry.pupil_id))


def checked_images(images: Sequence[IO[bytes] | Any]) -> list[Any]:
    """Every upload checked before anything is written; at most MAX_IMAGES."""
    if len(images) > MAX_IMAGES:
        raise Invalid(f"At most {MAX_IMAGES} pictures.", field="images")
    return [image_checked(image, "images") for image in images]


def _goals_of(pupil_id: int, goal_ids: Sequence[int]) -> list[Goal]:
    """Goals of the pupil's own plans; any other id is refused."""
    goals = list(Goal.objects.filter(pk__in=goal_ids, plan__pupil_id=pupil_id))
    if len(goals) != len(set(goal_ids)):
        raise Invalid("A goal is not one of the pupil's goals.", field="goalIds")
    return goals
