"""Mutations of the development plan and its goals.

Each resolver decodes ids and calls one service in `core.services.plans` or
`core.services.goals`, which checks permission, validates and writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
import strawberry_django

from core.models import GoalStatus, QuestionRole
from core.services import goals, plans
from schema.context import Info
from schema.enums import GoalStatusEnum, QuestionRoleEnum
from schema.errors import UserError
from schema.payloads import perform, pk, pks, shown_as
from schema.plans.types import AnswerType, DevelopmentPlanType, GoalType, ReadConfirmationType

ERRORS = "Empty on success; otherwise why nothing was changed."


@strawberry.input(description="Start a pupil's plan for a term.")
class DevelopmentPlanStartInput:
    pupil_id: strawberry.ID = strawberry.field(description="The pupil.")
    term: str = strawberry.field(description="HT or VT and a year, e.g. 'VT2027'.")
    template_id: strawberry.ID | None = strawberry.field(
        default=None, description="A template; by default the newest for the pupil's school form."
    )


@strawberry.input(description="The mentor agrees the plan at the development talk.")
class DevelopmentPlanAgreeInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    version: int = strawberry.field(description="The plan's version the mentor saw.")
    talk_date: dt.date | None = strawberry.field(
        default=None, description="The day of the talk; today by default."
    )


@strawberry.input(description="The evaluation of the talk, in an agreed plan.")
class DevelopmentPlanEvaluateInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    version: int = strawberry.field(description="The plan's version edited.")
    evaluation: str = strawberry.field(description="How the talk and the term went.")


@strawberry.input(description="A guardian has read the plan, with wishes for the talk.")
class DevelopmentPlanReadConfirmInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    wishes: str = strawberry.field(default="", description="Wishes for the talk, if any.")


@strawberry.input(description="An answer to a preparation question, for one role.")
class AnswerSaveInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    question_id: strawberry.ID = strawberry.field(description="The question.")
    role: QuestionRoleEnum = strawberry.field(
        description="The role answered for (the question must be put to it)."
    )
    text: str = strawberry.field(description="The answer.")
    version: int | None = strawberry.field(
        default=None, description="The version edited; null for a first answer."
    )


@strawberry.input(description="A goal proposed for a plan before the talk.")
class GoalProposeInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    text: str = strawberry.field(description="The goal.")
    activities: str = strawberry.field(default="", description="What will be done to reach it.")
    responsible: str = strawberry.field(default="", description="Who is responsible for what.")
    subject_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Subjects it belongs to."
    )
    requirement_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Knowledge requirements it aims at."
    )


@strawberry.input(description="Edit a goal before the talk.")
class GoalUpdateInput:
    goal_id: strawberry.ID = strawberry.field(description="The goal.")
    version: int = strawberry.field(description="The goal's version edited.")
    text: str = strawberry.field(description="The goal.")
    activities: str = strawberry.field(default="", description="What will be done to reach it.")
    responsible: str = strawberry.field(default="", description="Who is responsible for what.")
    subject_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Subjects it belongs to (replaces the old list)."
    )
    requirement_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Knowledge requirements (replaces the old list)."
    )


@strawberry.input(description="Move a goal on the ladder.")
class GoalStatusChangeInput:
    goal_id: strawberry.ID = strawberry.field(description="The goal.")
    version: int = strawberry.field(description="The goal's version seen.")
    status: GoalStatusEnum = strawberry.field(description="The new status.")


@strawberry.input(description="How a goal went.")
class GoalEvaluateInput:
    goal_id: strawberry.ID = strawberry.field(description="The goal.")
    version: int = strawberry.field(description="The goal's version edited.")
    evaluation: str = strawberry.field(description="The evaluation.")


@strawberry.type(description="The plan after the change, or why nothing changed.")
class DevelopmentPlanPayload:
    plan: DevelopmentPlanType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The saved answer, or why nothing changed.")
class AnswerPayload:
    answer: AnswerType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The confirmation, or why nothing changed.")
class ReadConfirmationPayload:
    confirmation: ReadConfirmationType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


@strawberry.type(description="The goal after the change, or why nothing changed.")
class GoalPayload:
    goal: GoalType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(description=ERRORS)


PLAN, PUPIL, GOAL = "DevelopmentPlan", "Pupil", "Goal"


@strawberry.type
class PlanMutation:
    @strawberry_django.mutation(
        description="Start a pupil's plan for a term (teachers, mentors); "
        "earlier plans are archived."
    )
    def development_plan_start(
        self,
        info: Info,
        input: DevelopmentPlanStartInput,
    ) -> DevelopmentPlanPayload:
        plan, errors = perform(
            info,
            lambda actor: plans.development_plan_start(
                actor=actor,
                pupil_id=pk(input.pupil_id, PUPIL, "pupilId"),
                term=input.term,
                template_id=None
                if input.template_id is None
                else pk(input.template_id, "PlanTemplate", "templateId"),
            ),
            page=True,
        )
        return DevelopmentPlanPayload(plan=shown_as(DevelopmentPlanType, plan), errors=errors)

    @strawberry_django.mutation(description="Answer a preparation question for one role.")
    def answer_save(self, info: Info, input: AnswerSaveInput) -> AnswerPayload:
        answer, errors = perform(
            info,
            lambda actor: plans.answer_save(
                actor=actor,
                plan_id=pk(input.plan_id, PLAN, "planId"),
                question_id=pk(input.question_id, "PreparationQuestion", "questionId"),
                role=QuestionRole(input.role.value),
                text_=input.text,
                version=input.version,
            ),
            page=True,
        )
        return AnswerPayload(answer=shown_as(AnswerType, answer), errors=errors)

    @strawberry_django.mutation(description='A guardian\'s "I have read it", with wishes.')
    def development_plan_read_confirm(
        self,
        info: Info,
        input: DevelopmentPlanReadConfirmInput,
    ) -> ReadConfirmationPayload:
        confirmation, errors = perform(
            info,
            lambda actor: plans.development_plan_read_confirm(
                actor=actor,
                plan_id=pk(input.plan_id, PLAN, "planId"),
                wishes=input.wishes,
            ),
            page=True,
        )
        return ReadConfirmationPayload(
            confirmation=shown_as(ReadConfirmationType, confirmation), errors=errors
        )

    @strawberry_django.mutation(
        description="Agree the plan at the talk (mentors): it locks, "
        "and proposed goals become in progress."
    )
    def development_plan_agree(
        self,
        info: Info,
        input: DevelopmentPlanAgreeInput,
    ) -> DevelopmentPlanPayload:
        plan, errors = perform(
            info,
            lambda actor: plans.development_plan_agree(
                actor=actor,
                plan_id=pk(input.plan_id, PLAN, "planId"),
                version=input.version,
                talk_date=input.talk_date,
            ),
            page=True,
        )
        return DevelopmentPlanPayload(plan=shown_as(DevelopmentPlanType, plan), errors=errors)

    @strawberry_django.mutation(description="Write the talk's evaluation into an agreed plan.")
    def development_plan_evaluate(
        self,
        info: Info,
        input: DevelopmentPlanEvaluateInput,
    ) -> DevelopmentPlanPayload:
        plan, errors = perform(
            info,
            lambda actor: plans.development_plan_evaluate(
                actor=actor,
                plan_id=pk(input.plan_id, PLAN, "planId"),
                version=input.version,
                evaluation=input.evaluation,
            ),
            page=True,
        )
        return DevelopmentPlanPayload(plan=shown_as(DevelopmentPlanType, plan), errors=errors)

    @strawberry_django.mutation(description="Propose a goal before the talk.")
    def goal_propose(self, info: Info, input: GoalProposeInput) -> GoalPayload:
        goal, errors = perform(
            info,
            lambda actor: goals.goal_propose(
                actor=actor,
                plan_id=pk(input.plan_id, PLAN, "planId"),
                **_goal_fields(input),
            ),
            page=True,
        )
        return GoalPayload(goal=shown_as(GoalType, goal), errors=errors)

    @strawberry_django.mutation(description="Edit a goal before the talk.")
    def goal_update(self, info: Info, input: GoalUpdateInput) -> GoalPayload:
        goal, errors = perform(
            info,
            lambda actor: goals.goal_update(
                actor=actor,
                goal_id=pk(input.goal_id, GOAL, "goalId"),
                version=input.version,
                **_goal_fields(input),
            ),
            page=True,
        )
        return GoalPayload(goal=shown_as(GoalType, goal), errors=errors)

    @strawberry_django.mutation(description="Move a goal on the ladder, as the policy allows.")
    def goal_status_change(self, info: Info, input: GoalStatusChangeInput) -> GoalPayload:
        goal, errors = perform(
            info,
            lambda actor: goals.goal_status_change(
                actor=actor,
                goal_id=pk(input.goal_id, GOAL, "goalId"),
                version=input.version,
                status=GoalStatus(input.status.value),
            ),
            page=True,
        )
        return GoalPayload(goal=shown_as(GoalType, goal), errors=errors)

    @strawberry_django.mutation(description="Write how a goal went.")
    def goal_evaluate(self, info: Info, input: GoalEvaluateInput) -> GoalPayload:
        goal, errors = perform(
            info,
            lambda actor: goals.goal_evaluate(
                actor=actor,
                goal_id=pk(input.goal_id, GOAL, "goalId"),
                version=input.version,
                evaluation=input.evaluation,
            ),
            page=True,
        )
        return GoalPayload(goal=shown_as(GoalType, goal), errors=errors)


def _goal_fields(input: GoalProposeInput | GoalUpdateInput) -> dict[str, Any]:
    """What a proposal and an edit of a goal both send, ids decoded."""
    return {
        "text_": input.text,
        "activities": input.activities,
        "responsible": input.responsible,
        "subject_ids": pks(input.subject_ids, "Subject", "subjectIds"),
        "requirement_ids": pks(input.requirement_ids, "KnowledgeRequirement", "requirementIds"),
    }
