"""GraphQL enums made from Python enums, each value described.

`choices_enum` makes them. The enums of the pupil's page follow it, kept
together here because most are shared by several areas (a goal's status is
the plan's, the overview's and the summaries'); an enum of one area only,
like the notices' own, may live in that area's `types.py`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

import strawberry
from django.db import models

from core.models import (
    BlogKind,
    GoalStatus,
    GroupKind,
    PlanState,
    Prognosis,
    QuestionRole,
    SchoolForm,
)


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


QuestionRoleEnum = choices_enum(
    QuestionRole, "QuestionRole", "Who a preparation question is put to."
)
PlanStateEnum = choices_enum(PlanState, "PlanState", "Where a development plan is in its year.")
GoalStatusEnum = choices_enum(GoalStatus, "GoalStatus", "A step on the goal ladder (måltrappan).")
PrognosisEnum = choices_enum(Prognosis, "Prognosis", "The summative prognosis of an assessment.")
BlogKindEnum = choices_enum(
    BlogKind, "BlogKind", "Where a post belongs, which decides who reads it."
)
SchoolFormEnum = choices_enum(SchoolForm, "SchoolForm", "A school form, by its SS 12000 code.")
GroupKindEnum = choices_enum(GroupKind, "GroupKind", "What a group is for.")
