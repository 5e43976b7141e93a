"""Who is signed in."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async

from schema.accounts.types import ViewerType
from schema.context import Info, signed_in


@strawberry.type
class AccountQuery:
    @strawberry.field(description="The signed-in viewer, or null when nobody is.")
    async def me(self, info: Info) -> ViewerType | None:
        user = await signed_in(info)
        if user is None:
            return None
        return await sync_to_async(ViewerType.from_user)(user)
