"""Who is signed in."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async
from strawberry_django.auth.utils import aget_current_user

from schema.accounts.types import ViewerType
from schema.context import Info


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The signed-in viewer, or null when nobody is.")
    async def me(self, info: Info) -> ViewerType | None:
        user = await aget_current_user(info)
        if not user.is_authenticated:
            return None
        return await sync_to_async(ViewerType.from_user)(user)  # type: ignore[arg-type]
