"""The live notice badge over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from channels.db import database_sync_to_async

from core.models import User
from core.selectors.notices import notices_of, unread_count
from schema.context import Info
from schema.notices.types import NoticeBadge
from subscriptions.consumers import socket_user
from subscriptions.publish import EVENT, user_group


def _badge(user: User) -> NoticeBadge:
    newest = notices_of(user).filter(read_at__isnull=True).first()
    return NoticeBadge(unread_count=unread_count(user), newest=newest)  # type: ignore[arg-type]


badge = database_sync_to_async(_badge)


@strawberry.type
class NoticeSubscription:
    @strawberry.subscription(
        description="The viewer's unread count and newest unread notice: at once, then "
        "whenever they change. Ends when the viewer signs out or the token is revoked."
    )
    async def notice_badge(self, info: Info) -> AsyncGenerator[NoticeBadge, None]:
        consumer = info.context["ws"]
        user = await socket_user(consumer)
        if user is None:
            return
        async with consumer.listen_to_channel(EVENT, groups=[user_group(user.pk)]) as events:
            yield await badge(user)
            async for _ in events:
                # Every event is re-authorized: a fresh user (fresh relations), a
                # live session or token, the terms still accepted.
                user = await socket_user(consumer)
                if user is None:
                    return
                yield await badge(user)
