"""People's names as every area shows them: `PersonName` and `person_field`.

The plans, learning, blogs, teaching, overview and notices areas all name
people, so this sits beside `schema/enums.py` rather than in one area.
"""

from __future__ import annotations

from typing import Any

import strawberry
import strawberry_django
from django.db.models import Model

from core.models import User
from permissions.rules import display_name
from schema.context import Info, viewer


@strawberry.type(name="PersonName", description="Someone named on a page: an author, a guardian.")
class PersonName:
    name: str = strawberry.field(
        description="Their name; the alias 'Skyddad …' when the person has protected "
        "identity and the viewer is neither that person nor school staff."
    )


def person_field(attribute: str, description: str) -> Any:
    """A field naming the user in `attribute` (a foreign key to User) as a PersonName."""

    def resolve(root: Model, info: Info) -> PersonName:
        user: User = getattr(root, attribute)
        return PersonName(name=display_name(viewer(info), user.person))

    return strawberry_django.field(
        resolver=resolve,
        description=description,
        select_related=[f"{attribute}__person"],
        only=[f"{attribute}__person__{f}" for f in NAME_FIELDS],
    )


NAME_FIELDS = ("given_name", "family_name", "security_marking")
