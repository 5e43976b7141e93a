"""The typed context that every resolver receives."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from strawberry.types import Info as _Info

if TYPE_CHECKING:
    from strawberry.django.context import StrawberryDjangoContext

Info: TypeAlias = _Info["StrawberryDjangoContext", None]
