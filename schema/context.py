"""The typed context that every resolver receives.

Over HTTP the context is Strawberry's Django context; over websocket it is
a dict from the Channels consumer. Both answer `context["request"]`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeAlias, cast

from django.db.models import Q, QuerySet
from strawberry.types import Info as _Info
from strawberry_django.auth.utils import get_current_user

from core.selectors.accounts import terms_pending
from permissions.relations import Viewer

Info: TypeAlias = _Info[Any, None]


def viewer(info: Info) -> Viewer:
    """The signed-in user (or AnonymousUser) of this request or socket."""
    return cast("Viewer", get_current_user(info))


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
