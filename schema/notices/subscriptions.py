"""The live notice badge over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from core.events import EVENT, user_group
from core.models import User
from core.selectors.notices import unread_badge
from schema.context import Info, socket
from schema.notices.types import NoticeBadge, NoticeType
from schema.payloads import shown_as


def badge(user: User) -> NoticeBadge:
    """The badge of one user, from the database (called on its thread)."""
    count, newest = unread_badge(user)
    return NoticeBadge(unread_count=count, newest=shown_as(NoticeType, newest))


@strawberry.type
class NoticeSubscription:
    @strawberry.subscription(
        description="The viewer's unread count and newest unread notice: at once, then "
        "whenever they change. Ends when the viewer signs out or the token is revoked."
    )
    async def notice_badge(self, info: Info) -> AsyncGenerator[NoticeBadge, None]:
        consumer = socket(info)
        first = await consumer.on_behalf(badge)
        if first is None:
            return
        user_id = consumer.scope["user"].pk
        async with consumer.listen_to_channel(EVENT, groups=[user_group(user_id)]) as events:
            yield first
            async for event in events:
                # Every event is re-authorized: a fresh user (fresh relations), a
                # live session or token, the terms still accepted.
                found = await consumer.on_behalf(badge, event.get("id"))
                if found is None:
                    return
                yield found
