"""The typed context that every resolver receives.

Over HTTP the context is Strawberry's Django context; over websocket it is
a dict from the Channels consumer. Both answer `context["request"]`.
"""

from __future__ import annotations

from typing import Any, TypeAlias, cast

from strawberry.types import Info as _Info
from strawberry_django.auth.utils import get_current_user

from permissions.relations import Viewer

Info: TypeAlias = _Info[Any, None]


def viewer(info: Info) -> Viewer:
    """The signed-in user (or AnonymousUser) of this request or socket."""
    return cast("Viewer", get_current_user(info))
