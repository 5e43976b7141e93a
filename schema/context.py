"""The typed context that every resolver receives.

Over HTTP the context is Strawberry's Django context; over websocket it is
a dict from the Channels consumer. Both answer `context["request"]`; over
websocket `context["ws"]` is the consumer, which a subscription knows only
as a `Socket` (the schema does not import the transport above it).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol, TypeAlias, TypeVar, cast

from django.db.models import Q, QuerySet
from strawberry.types import Info as _Info
from strawberry_django.auth.utils import aget_current_user, get_current_user

from core.models import User
from core.selectors.accounts import terms_pending
from permissions.relations import Viewer

Info: TypeAlias = _Info[Any, None]
T = TypeVar("T")


class Socket(Protocol):
    """What a subscription asks of the socket it runs on (`subscriptions.consumers`)."""

    scope: dict[str, Any]

    async def on_behalf(self, work: Callable[[User], T], event: str | None = None) -> T | None:
        """`work(user)` for whom the socket speaks now, or None once that has ended."""

    def listen_to_channel(
        self, type: str, *, timeout: float | None = None, groups: Sequence[str] = ()
    ) -> AbstractAsyncContextManager[AsyncGenerator[Any, None]]:
        """The channel-layer messages of `type` sent to `groups`."""


def socket(info: Info) -> Socket:
    """The websocket a subscription runs on."""
    return cast("Socket", info.context["ws"])


def viewer(info: Info) -> Viewer:
    """The signed-in user (or AnonymousUser) of this request or socket."""
    return cast("Viewer", get_current_user(info))


async def signed_in(info: Info) -> User | None:
    """The signed-in user of this request or socket, or None (from async resolvers)."""
    user = await aget_current_user(info)
    return user if isinstance(user, User) and user.is_authenticated else None


def scoped(scope: Callable[[Viewer], Q]) -> Any:
    """A type's `get_queryset`: its rows narrowed to what `scope` lets the viewer read.

    strawberry-django calls it for root lists, nested lists, connections and
    `node(id:)` alike, so one line per type covers every path.
    """

    def get_queryset(cls: type, /, queryset: QuerySet[Any], info: Info, **_: Any) -> QuerySet[Any]:
        del cls
        user = viewer(info)
        if terms_pending(user):  # e.g. signed in by `login` earlier in the request
            return queryset.none()
        return queryset.filter(scope(user))

    return classmethod(get_queryset)
