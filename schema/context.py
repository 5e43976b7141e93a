"""The typed context that every resolver receives.

Over HTTP the context is Strawberry's Django context; over websocket it is
a dict from the Channels consumer. Both answer `context["request"]`.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from strawberry.types import Info as _Info

Info: TypeAlias = _Info[Any, None]
