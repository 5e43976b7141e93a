"""The live notice badge over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from core.models import User
from core.selectors.notices import unread_badge
from schema.context import Info
from schema.notices.types import NoticeBadge
from subscriptions.consumers import on_behalf
from subscriptions.publish import EVENT, user_group


def badge(user: User) -> NoticeBadge:
    """The badge of one user, from the database (called on its thread)."""
    count, newest = unread_badge(user)
    return NoticeBadge(unread_count=count, newest=newest)  # type: ignore[arg-type]


@strawberry.type
class NoticeSubscription:
    @strawberry.subscription(
        description="The viewer's unread count and newest unread notice: at once, then "
        "whenever they change. Ends when the viewer signs out or the token is revoked."
    )
    async def notice_badge(self, info: Info) -> AsyncGenerator[NoticeBadge, None]:
        consumer = info.context["ws"]
        first = await on_behalf(consumer, badge)
        if first is None:
            return
        user_id = consumer.scope["user"].pk
        async with consumer.listen_to_channel(EVENT, groups=[user_group(user_id)]) as events:
            yield first
            async for event in events:
                # Every event is re-authorized: a fresh user (fresh relations), a
                # live session or token, the terms still accepted.
                found = await on_behalf(consumer, badge, event.get("id"))
                if found is None:
                    return
                yield found
