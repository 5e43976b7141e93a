"""Notices over GraphQL: the list, the badge, and what a notice is about."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, cast

import strawberry
import strawberry_django
from strawberry import relay

from core.models import (
    Notice,
    NoticeCategory,
    NoticeKind,
)
from core.selectors.notices import notice_subject, readable_notices
from permissions.assurance import shown_notice_text
from permissions.rules import display_name
from schema.common import PersonName
from schema.context import Info, scoped, viewer
from schema.enums import choices_enum

if TYPE_CHECKING:
    from schema.roster.types import PupilType

LazyPupil = Annotated["PupilType", strawberry.lazy("schema.roster.types")]
NoticeKindEnum = choices_enum(NoticeKind, "NoticeKind", "What happened.")
NoticeCategoryEnum = choices_enum(
    NoticeCategory, "NoticeCategory", "Which email preference a notice falls under."
)


@strawberry_django.type(
    Notice, name="Notice", description="Something new on a page the viewer follows."
)
class NoticeType(relay.Node):
    kind: NoticeKindEnum = strawberry_django.field(description="What happened last.")  # type: ignore[valid-type]
    category: NoticeCategoryEnum = strawberry_django.field(  # type: ignore[valid-type]
        description="Important notice or message from school and class."
    )
    changes: int = strawberry_django.field(
        description="Changes to the same item folded into this notice since it was read."
    )
    created_at: dt.datetime = strawberry_django.field(description="The first change.")
    updated_at: dt.datetime = strawberry_django.field(description="The latest change.")
    read_at: dt.datetime | None = strawberry_django.field(description="Null while unread.")
    pupil: LazyPupil | None = strawberry_django.field(description="Whose page, if a pupil's.")

    @strawberry_django.field(
        description="One line about it, in Swedish. About a pupil's page that needs a strong "
        "sign-in, a weaker one reads only what kind of change it was.",
        only=["text", "kind", "pupil_id"],
    )
    def text(self, info: Info) -> str:
        return shown_notice_text(viewer(info), cast("Notice", self))

    @strawberry_django.field(
        description="Who made the latest change.", select_related=["actor__person"]
    )
    def actor(self, info: Info) -> PersonName | None:
        user = self.actor
        if user is None:
            return None
        return PersonName(name=display_name(viewer(info), user.person))

    @strawberry_django.field(
        description="What it is about (a plan, assessment, log entry or post), "
        "or null if the viewer may no longer read it.",
        only=["target_type", "target_id"],
    )
    def subject(self, info: Info) -> relay.Node | None:
        notice = cast("Notice", self)  # strawberry-django resolves on the model instance
        found = notice_subject(viewer(info), notice.target_type, notice.target_id)
        return cast("relay.Node | None", found)

    get_queryset = scoped(readable_notices)


@strawberry.type(description="The viewer's notice badge.")
class NoticeBadge:
    unread_count: int = strawberry.field(description="Unread notices.")
    newest: NoticeType | None = strawberry.field(description="The latest changed notice.")
