"""Enums of the pupil's page, each value described."""

from __future__ import annotations

from core.models import (
    BlogKind,
    GoalStatus,
    GroupKind,
    PlanState,
    Prognosis,
    QuestionRole,
    SchoolForm,
)
from schema.enums import choices_enum

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
