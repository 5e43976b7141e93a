"""Mutations of written assessments and the learning log.

Pictures arrive as multipart uploads (the GraphQL multipart request spec);
the services check them by their content, whatever they are called.
"""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry.file_uploads import Upload

from core.models import Prognosis
from core.services import assessments, learning
from core.services.assessments import AssessmentRow, RowResult
from schema.context import Info
from schema.enums import PrognosisEnum
from schema.errors import UserError
from schema.learning.types import (
    LearningLogCommentType,
    LearningLogEntryType,
    WrittenAssessmentType,
)
from schema.payloads import perform, pk, pks, shown_as, user_error

ERRORS = "Empty on success; otherwise why nothing was changed."


@strawberry.input(description="A written assessment to create or edit, maybe publish.")
class WrittenAssessmentSaveInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    subject_id: strawberry.ID = strawberry.field(description="A subject taught to the pupil.")
    term: str = strawberry.field(description="E.g. 'HT2026'.")
    text: str = strawberry.field(description="The assessment in words.")
    prognosis: PrognosisEnum = strawberry.field(description="On track or at risk.")
    version: int | None = strawberry.field(
        default=None, description="The version edited; null for a new assessment."
    )
    publish: bool = strawberry.field(
        default=False, description="Publish to the pupil and guardians now."
    )


@strawberry.input(description="Publish a draft assessment.")
class WrittenAssessmentPublishInput:
    assessment_id: strawberry.ID = strawberry.field(description="The assessment.")
    version: int = strawberry.field(description="The version seen.")


@strawberry.input(description="One pupil's assessment in a class-wide save.")
class WrittenAssessmentRowInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    text: str = strawberry.field(description="The assessment in words.")
    prognosis: PrognosisEnum = strawberry.field(description="On track or at risk.")
    version: int | None = strawberry.field(
        default=None, description="The version edited; null for a new assessment."
    )


@strawberry.input(description="A class's assessments in one subject and term, in one save.")
class WrittenAssessmentsSaveForGroupInput:
    group_id: strawberry.ID = strawberry.field(description="The class or teaching group.")
    subject_id: strawberry.ID = strawberry.field(description="The subject.")
    term: str = strawberry.field(description="E.g. 'HT2026'.")
    rows: list[WrittenAssessmentRowInput] = strawberry.field(
        description="One row per pupil, at most 100."
    )
    publish: bool = strawberry.field(default=False, description="Publish every saved row.")


@strawberry.input(description="A new entry in a pupil's learning log.")
class LearningLogEntryCreateInput:
    pupil_id: strawberry.ID = strawberry.field(description="Whose log.")
    text: str = strawberry.field(description="The entry.")
    goal_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Goals of the pupil's plans it belongs to."
    )
    images: list[Upload] = strawberry.field(
        default_factory=list, description="Pictures (JPEG, PNG, WebP or GIF), at most 10."
    )


@strawberry.input(description="Edit one's own learning-log entry.")
class LearningLogEntryUpdateInput:
    entry_id: strawberry.ID = strawberry.field(description="The entry.")
    version: int = strawberry.field(description="The version edited.")
    text: str = strawberry.field(description="The entry.")
    goal_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Goals it belongs to (replaces the old list)."
    )


@strawberry.input(description="A comment on a learning-log entry.")
class LearningLogCommentCreateInput:
    entry_id: strawberry.ID = strawberry.field(description="The entry.")
    text: str = strawberry.field(description="The comment.")


@strawberry.type(description="The assessment after the change, or why nothing changed.")
class WrittenAssessmentPayload:
    assessment: WrittenAssessmentType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="What became of one pupil's row.")
class WrittenAssessmentRowResult:
    pupil_id: strawberry.ID = strawberry.field(description="The row's pupil, as sent.")
    assessment: WrittenAssessmentType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description="Why this row was not saved.")


@strawberry.type(description="Every row's result; a refused row does not stop the others.")
class WrittenAssessmentsPayload:
    rows: list[WrittenAssessmentRowResult] = strawberry.field(description="In the order sent.")
    errors: list[UserError] = strawberry.field(
        description="Errors of the whole request (nothing was saved), e.g. an unknown group."
    )


@strawberry.type(description="The entry after the change, or why nothing changed.")
class LearningLogEntryPayload:
    entry: LearningLogEntryType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The new comment, or why nothing changed.")
class LearningLogCommentPayload:
    comment: LearningLogCommentType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


def _row(gid: strawberry.ID, result: RowResult) -> WrittenAssessmentRowResult:
    errors = [] if result.error is None else [user_error(result.error)]
    return WrittenAssessmentRowResult(
        pupil_id=gid,
        assessment=shown_as(WrittenAssessmentType, result.assessment),
        errors=errors,
    )


def _rows(rows: list[WrittenAssessmentRowInput]) -> list[AssessmentRow]:
    return [
        AssessmentRow(
            pupil_id=pk(row.pupil_id, "Pupil", "rows.pupilId"),
            text=row.text,
            prognosis=Prognosis(row.prognosis.value),
            version=row.version,
        )
        for row in rows
    ]


@strawberry.type
class LearningMutation:
    @strawberry_django.mutation(
        description="Create or edit a written assessment (teachers of the subject); "
        "publishing shows it to pupil and guardians."
    )
    def written_assessment_save(
        self,
        info: Info,
        input: WrittenAssessmentSaveInput,
    ) -> WrittenAssessmentPayload:
        found, errors = perform(
            info,
            lambda actor: assessments.written_assessment_save(
                actor=actor,
                pupil_id=pk(input.pupil_id, "Pupil", "pupilId"),
                subject_id=pk(input.subject_id, "Subject", "subjectId"),
                term=input.term,
                text_=input.text,
                prognosis=Prognosis(input.prognosis.value),
                version=input.version,
                publish=input.publish,
            ),
            page=True,
        )
        return WrittenAssessmentPayload(
            assessment=shown_as(WrittenAssessmentType, found), errors=errors
        )

    @strawberry_django.mutation(description="Publish a draft assessment.")
    def written_assessment_publish(
        self,
        info: Info,
        input: WrittenAssessmentPublishInput,
    ) -> WrittenAssessmentPayload:
        found, errors = perform(
            info,
            lambda actor: assessments.written_assessment_publish(
                actor=actor,
                assessment_id=pk(input.assessment_id, "WrittenAssessment", "assessmentId"),
                version=input.version,
            ),
            page=True,
        )
        return WrittenAssessmentPayload(
            assessment=shown_as(WrittenAssessmentType, found), errors=errors
        )

    @strawberry_django.mutation(
        description="Save a whole class's assessments in a subject, each row on its own."
    )
    def written_assessments_save_for_group(
        self,
        info: Info,
        input: WrittenAssessmentsSaveForGroupInput,
    ) -> WrittenAssessmentsPayload:
        save = assessments.written_assessments_save_for_group
        results, errors = perform(
            info,
            lambda actor: save(
                actor=actor,
                group_id=pk(input.group_id, "Group", "groupId"),
                subject_id=pk(input.subject_id, "Subject", "subjectId"),
                term=input.term,
                rows=_rows(input.rows),
                publish=input.publish,
            ),
            page=True,
        )
        rows = [
            _row(row.pupil_id, result)
            for row, result in zip(input.rows, results or [], strict=False)
        ]
        return WrittenAssessmentsPayload(rows=rows, errors=errors)

    @strawberry_django.mutation(description="Write in a pupil's learning log (pupil, staff).")
    def learning_log_entry_create(
        self,
        info: Info,
        input: LearningLogEntryCreateInput,
    ) -> LearningLogEntryPayload:
        entry, errors = perform(
            info,
            lambda actor: learning.learning_log_entry_create(
                actor=actor,
                pupil_id=pk(input.pupil_id, "Pupil", "pupilId"),
                text_=input.text,
                goal_ids=pks(input.goal_ids, "Goal", "goalIds"),
                images=input.images,
            ),
            page=True,
        )
        return LearningLogEntryPayload(entry=shown_as(LearningLogEntryType, entry), errors=errors)

    @strawberry_django.mutation(description="Edit one's own learning-log entry.")
    def learning_log_entry_update(
        self,
        info: Info,
        input: LearningLogEntryUpdateInput,
    ) -> LearningLogEntryPayload:
        entry, errors = perform(
            info,
            lambda actor: learning.learning_log_entry_update(
                actor=actor,
                entry_id=pk(input.entry_id, "LearningLogEntry", "entryId"),
                version=input.version,
                text_=input.text,
                goal_ids=pks(input.goal_ids, "Goal", "goalIds"),
            ),
            page=True,
        )
        return LearningLogEntryPayload(entry=shown_as(LearningLogEntryType, entry), errors=errors)

    @strawberry_django.mutation(description="Comment on an entry one can read.")
    def learning_log_comment_create(
        self,
        info: Info,
        input: LearningLogCommentCreateInput,
    ) -> LearningLogCommentPayload:
        comment, errors = perform(
            info,
            lambda actor: learning.learning_log_comment_create(
                actor=actor,
                entry_id=pk(input.entry_id, "LearningLogEntry", "entryId"),
                text_=input.text,
            ),
            page=True,
        )
        return LearningLogCommentPayload(
            comment=shown_as(LearningLogCommentType, comment), errors=errors
        )
