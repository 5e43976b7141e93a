"""Pupils, groups and schools as Relay nodes, scoped to what the viewer may see.

Every type narrows its rows in `get_queryset` through `permissions.relations`,
so root lists, connections, nested lists and `node(id:)` all show only what
the viewer may read; a hidden row answers exactly like a missing one. No
type exposes a forward key to another scoped type: with the optimizer off,
strawberry-django would follow such a key without `get_queryset`.
"""

from __future__ import annotations

from typing import Any

import strawberry_django
from django.db.models import QuerySet
from strawberry import relay

from core.models import Group, GroupKind, Pupil, School, SchoolForm
from permissions.relations import visible_groups, visible_pupils, visible_schools
from schema.context import Info, viewer
from schema.enums import choices_enum

SchoolFormEnum = choices_enum(SchoolForm, "SchoolForm", "A school form, by its SS 12000 code.")
GroupKindEnum = choices_enum(GroupKind, "GroupKind", "What a group is for.")


@strawberry_django.type(School, name="School", description="A school unit (skolenhet).")
class SchoolType(relay.Node):
    name: str = strawberry_django.field(description="The school's name.")
    school_unit_code: str = strawberry_django.field(description="Skolverket's skolenhetskod.")

    @classmethod
    def get_queryset(cls, queryset: QuerySet[School], info: Info, **_: Any) -> QuerySet[School]:
        return queryset.filter(pk__in=visible_schools(viewer(info)).values("pk"))


@strawberry_django.type(
    Group, name="Group", description="A class, preschool department or teaching group."
)
class GroupType(relay.Node):
    name: str = strawberry_django.field(description="E.g. '3A' or 'Avdelning Humlan'.")
    kind: GroupKindEnum = strawberry_django.field(description="What the group is for.")  # type: ignore[valid-type]
    school_year: int | None = strawberry_django.field(
        description="Årskurs, where the group has one."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Group], info: Info, **_: Any) -> QuerySet[Group]:
        return queryset.filter(pk__in=visible_groups(viewer(info)).values("pk"))


@strawberry_django.type(
    Pupil, name="Pupil", description="A child in preschool or a pupil in school."
)
class PupilType(relay.Node):
    school_form: SchoolFormEnum | None = strawberry_django.field(  # type: ignore[valid-type]
        description="The school form the pupil is in."
    )
    school_year: int | None = strawberry_django.field(description="Årskurs; none in preschool.")

    @strawberry_django.field(
        description="The pupil's name; only people with a role toward the pupil see a pupil.",
        only=["person__given_name", "person__family_name"],
        select_related=["person"],
    )
    def name(self, root: Pupil) -> str:
        return f"{root.person.given_name} {root.person.family_name}"

    @classmethod
    def get_queryset(cls, queryset: QuerySet[Pupil], info: Info, **_: Any) -> QuerySet[Pupil]:
        return queryset.filter(pk__in=visible_pupils(viewer(info)).values("pk"))
