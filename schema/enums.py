"""GraphQL enums made from Python enums, each value described."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import strawberry
from django.db import models


def choices_enum(
    choices: type[enum.Enum],
    name: str,
    description: str,
    labels: Mapping[Any, str] | None = None,
) -> Any:
    """A Strawberry enum whose values are the source enum's stored values.

    Each value is described by `labels`, or by a Django choice's (Swedish)
    label, so the schema explains "FS" as "Förskola".
    """

    def label(member: enum.Enum) -> str:
        if labels is not None:
            return labels[member]
        return str(member.label) if isinstance(member, models.Choices) else member.name

    members = {m.name: strawberry.enum_value(m.value, description=label(m)) for m in choices}
    made = enum.Enum(name, members)  # type: ignore[misc]
    return strawberry.enum(made, description=description)
