"""Written assessments: drafts, edits and publishing, one pupil or a whole class.

Only a teacher who teaches the pupil the subject (from the SS 12000
activities) writes it; a draft stays hidden from pupil and guardians until
it is published. A class's assessments for a subject are saved in one
call: each pupil's row stands or falls alone, so one stale row never costs
the teacher the other twenty-nine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.models import (
    GroupMembership,
    NoticeKind,
    Prognosis,
    Subject,
    User,
    WrittenAssessment,
    active_on,
)
from core.selectors import pages
from core.selectors.notices import page_audience
from core.services.common import (
    check_term,
    create_first,
    fetch,
    readable_pupil,
    require,
    save_versioned,
    text,
)
from core.services.errors import Conflict, Invalid, NotFound, ServiceError
from core.services.notices import Change, notify
from permissions import rules
from permissions.relations import today, visible_groups

MAX_ROWS = 100


@dataclass(frozen=True)
class AssessmentRow:
    """One pupil's assessment in a class-wide save."""

    pupil_id: int
    text: str
    prognosis: Prognosis
    version: int | None = None


@dataclass(frozen=True)
class RowResult:
    """What became of one row: the saved assessment, or why not."""

    pupil_id: int
    assessment: WrittenAssessment | None = None
    error: ServiceError | None = None


def written_assessment_save(
    *,
    actor: User,
    pupil_id: int,
    subject_id: int,
    term: str,
    text_: str,
    prognosis: Prognosis,
    version: int | None,
    publish: bool = False,
) -> WrittenAssessment:
    """Create or edit the pupil's assessment in a subject and term; maybe publish it.

    `version` is the version edited, or None for a new one; a save based on
    a stale version is a `Conflict`. Publishing is for good: a published
    assessment may be corrected but not hidden again.
    """
    body = text(text_, "text")
    check_term(term)
    pupil = readable_pupil(actor, pupil_id)
    subject = Subject.objects.filter(pk=subject_id).first()
    if subject is None:
        raise Invalid("Unknown subject.", field="subjectId")
    require(
        rules.can_write_assessment(actor, pupil, subject), f"You do not teach {pupil} {subject}."
    )
    with transaction.atomic():
        found = WrittenAssessment.objects.filter(pupil=pupil, subject=subject, term=term).first()
        if found is None:
            made = create_first(
                WrittenAssessment,
                version,
                pupil_id=pupil_id,
                subject=subject,
                term=term,
                text=body,
                prognosis=prognosis,
                author=actor,
                published_at=timezone.now() if publish else None,
            )
            _published_notice(made, actor)
            return made
        if version is None:
            raise Conflict
        published_at = found.published_at or (timezone.now() if publish else None)
        save_versioned(
            found, version, text=body, prognosis=prognosis, author=actor, published_at=published_at
        )
        _published_notice(found, actor)
        return found


def written_assessment_publish(
    *, actor: User, assessment_id: int, version: int
) -> WrittenAssessment:
    """Publish a draft to the pupil and guardians."""
    with transaction.atomic():
        found = fetch(
            WrittenAssessment.objects.select_related("pupil", "subject"),
            pages.assessments(actor),
            assessment_id,
            lock=True,
        )
        require(rules.can_write_assessment(actor, found.pupil, found.subject))
        if found.published_at is None:
            save_versioned(found, version, published_at=timezone.now(), author=actor)
            _published_notice(found, actor)
        elif found.version != version:
            raise Conflict
        return found


def _published_notice(assessment: WrittenAssessment, actor: User) -> None:
    """Tell the page's readers of a published (or corrected) assessment; drafts are quiet."""
    if assessment.published_at is None:
        return
    change = Change(
        NoticeKind.ASSESSMENT_PUBLISHED,
        "WrittenAssessment",
        assessment.pk,
        f"Nytt skriftligt omdöme i {assessment.subject} {assessment.term}",
        pupil_id=assessment.pupil_id,
    )
    notify(change, actor=actor, audience=page_audience(assessment.pupil_id))


def written_assessments_save_for_group(
    *,
    actor: User,
    group_id: int,
    subject_id: int,
    term: str,
    rows: Sequence[AssessmentRow],
    publish: bool = False,
) -> list[RowResult]:
    """Save (and maybe publish) a class's assessments in a subject, row by row.

    Only a teacher of the subject in the group gets this far; anyone else
    learns nothing of who is in it. Each row is its own savepoint: a refused
    row (a conflict, a pupil not in the group, empty text) is reported with
    its pupil and changes nothing, while every other row is saved. An
    unexpected failure rolls back every row, so the caller never has to
    guess which were kept.
    """
    group = fetch(visible_groups(actor), Q(), group_id)
    if not rules.teaches_subject_in_group(actor, group, subject_id):
        raise NotFound
    check_term(term)
    if not rows or len(rows) > MAX_ROWS:
        raise Invalid(f"Send between 1 and {MAX_ROWS} rows.", field="rows")
    if len({row.pupil_id for row in rows}) != len(rows):
        raise Invalid("A pupil appears in two rows.", field="rows")
    members = set(
        GroupMembership.objects.filter(active_on(today()), group=group).values_list(
            "pupil_id", flat=True
        )
    )
    with transaction.atomic():
        return [
            _save_row(
                actor=actor,
                members=members,
                subject_id=subject_id,
                term=term,
                row=row,
                publish=publish,
            )
            for row in rows
        ]


def _save_row(
    *,
    actor: User,
    members: set[int],
    subject_id: int,
    term: str,
    row: AssessmentRow,
    publish: bool,
) -> RowResult:
    if row.pupil_id not in members:
        return RowResult(pupil_id=row.pupil_id, error=NotFound(field="pupilId"))
    try:
        with transaction.atomic():
            saved = written_assessment_save(
                actor=actor,
                pupil_id=row.pupil_id,
                subject_id=subject_id,
                term=term,
                text_=row.text,
                prognosis=row.prognosis,
                version=row.version,
                publish=publish,
            )
    except NotFound:  # hidden answers as not in the group does
        return RowResult(pupil_id=row.pupil_id, error=NotFound(field="pupilId"))
    except ServiceError as error:
        return RowResult(pupil_id=row.pupil_id, error=error)
    return RowResult(pupil_id=row.pupil_id, assessment=saved)
