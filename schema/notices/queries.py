"""Reading one's notices."""

from __future__ import annotations

from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from core.models import Notice
from core.selectors.notices import notices_of
from schema.context import Info, viewer
from schema.notices.types import NoticeType


@strawberry.type
class NoticeQuery:
    @strawberry_django.connection(
        DjangoListConnection[NoticeType],
        description="The viewer's notices, latest change first; `unread: true` for the badge's.",
    )
    def notices(self, info: Info, unread: bool | None = None) -> Iterable[Notice]:
        return notices_of(viewer(info), unread=unread)
