"""GraphQL enums made from Django choices, labels as descriptions."""

from __future__ import annotations

import enum
from typing import Any

import strawberry
from django.db import models


def choices_enum(choices: type[models.TextChoices], name: str, description: str) -> Any:
    """A Strawberry enum whose values are the choices' stored values.

    Each value is described by its (Swedish) label, so the schema explains
    "FS" as "Förskola".
    """
    members = {
        member.name: strawberry.enum_value(member.value, description=str(member.label))
        for member in choices
    }
    made = enum.Enum(name, members)  # type: ignore[misc]
    return strawberry.enum(made, description=description)
