"""Root fields front ends start from: pupils, groups, any node."""

from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from schema.roster.types import GroupType, PupilType, SchoolType


@strawberry.type
class RosterQuery:
    node: relay.Node | None = strawberry_django.node(
        description="Any object by its global id; null when hidden or missing."
    )
    nodes: list[relay.Node | None] = strawberry_django.node(
        description="Objects by global ids, in order; null for each hidden or missing one."
    )
    pupils: DjangoListConnection[PupilType] = strawberry_django.connection(
        description="Every pupil the viewer may see."
    )
    groups: DjangoListConnection[GroupType] = strawberry_django.connection(
        description="Every group the viewer may see."
    )
    schools: DjangoListConnection[SchoolType] = strawberry_django.connection(
        description="Every school the viewer belongs to."
    )
    pupil: PupilType | None = strawberry_django.node(
        description="One pupil by global id; null when hidden or missing."
    )
    group: GroupType | None = strawberry_django.node(
        description="One group by global id; null when hidden or missing."
    )
