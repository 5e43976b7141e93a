"""Marking notices read."""

from __future__ import annotations

import strawberry
import strawberry_django

from core.services import notices
from schema.context import Info
from schema.errors import UserError
from schema.notices.types import NoticeType
from schema.payloads import perform, pk, shown_as

ERRORS = "Empty on success; otherwise why nothing was changed."


@strawberry.input(description="A notice to mark read.")
class NoticeMarkReadInput:
    id: strawberry.ID = strawberry.field(description="The notice.")


@strawberry.type(description="The notice, now read, or why not.")
class NoticeMarkReadPayload:
    notice: NoticeType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="How many notices were marked read.")
class NoticesMarkAllReadPayload:
    count: int = strawberry.field(description="Notices that were unread.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type
class NoticeMutation:
    @strawberry_django.mutation(description="Mark one notice read.")
    def notice_mark_read(self, info: Info, input: NoticeMarkReadInput) -> NoticeMarkReadPayload:
        notice, errors = perform(
            info,
            lambda actor: notices.notice_mark_read(
                actor=actor, notice_id=pk(input.id, "Notice", "id")
            ),
        )
        return NoticeMarkReadPayload(notice=shown_as(NoticeType, notice), errors=errors)

    @strawberry_django.mutation(description="Mark every notice read.")
    def notices_mark_all_read(self, info: Info) -> NoticesMarkAllReadPayload:
        count, errors = perform(info, lambda actor: notices.notices_mark_all_read(actor=actor))
        return NoticesMarkAllReadPayload(count=count or 0, errors=errors)
