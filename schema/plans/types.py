"""Development plans (IUP): answers, read confirmations, goals on the ladder."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from strawberry import relay

from core.models import (
    Answer,
    DevelopmentPlan,
    Goal,
    GoalStatusChange,
    ReadConfirmation,
)
from core.selectors import pages
from schema.common import person_field
from schema.context import Info, scoped
from schema.enums import GoalStatusEnum, PlanStateEnum, QuestionRoleEnum
from schema.overview.types import PlanOverview, plan_overview_loader
from schema.teaching.types import (
    KnowledgeRequirementType,
    PlanTemplateType,
    PreparationQuestionType,
    SubjectType,
)

if TYPE_CHECKING:
    from schema.roster.types import PupilType

LazyPupil = Annotated["PupilType", strawberry.lazy("schema.roster.types")]


@strawberry_django.filter_type(DevelopmentPlan, description="Narrow a pupil's plans.")
class DevelopmentPlanFilter:
    term: str | None = strawberry_django.filter_field(description="Only this term, e.g. 'HT2026'.")
    state: PlanStateEnum | None = strawberry_django.filter_field(
        description="Only plans in this state."
    )


@strawberry_django.type(
    Answer, name="Answer", description="One role's answer to a preparation question."
)
class AnswerType(relay.Node):
    question: PreparationQuestionType = strawberry_django.field(description="What was asked.")
    role: QuestionRoleEnum = strawberry_django.field(description="The role that answered.")
    text: str = strawberry_django.field(description="The answer.")
    version: int = strawberry_django.field(description="Send it back when saving an edit.")
    updated_at: dt.datetime = strawberry_django.field(description="When it was last saved.")
    author = person_field("author", "Who wrote it.")

    get_queryset = scoped(lambda v: pages.pupil_page(v, "plan__pupil"))


@strawberry_django.type(
    ReadConfirmation,
    name="ReadConfirmation",
    description="A guardian's 'I have read it', with wishes for the talk.",
)
class ReadConfirmationType(relay.Node):
    wishes: str = strawberry_django.field(description="What the guardian wants to talk about.")
    confirmed_at: dt.datetime = strawberry_django.field(description="When it was confirmed.")
    guardian = person_field("guardian", "The guardian who confirmed.")

    get_queryset = scoped(lambda v: pages.pupil_page(v, "plan__pupil"))


@strawberry_django.type(
    GoalStatusChange, name="GoalStatusChange", description="One step of a goal on the ladder."
)
class GoalStatusChangeType(relay.Node):
    from_status: GoalStatusEnum = strawberry_django.field(description="The status before.")
    to_status: GoalStatusEnum = strawberry_django.field(description="The status after.")
    changed_at: dt.datetime = strawberry_django.field(description="When.")
    changed_by = person_field("changed_by", "Who moved it.")

    get_queryset = scoped(lambda v: pages.pupil_page(v, "goal__plan__pupil"))


@strawberry_django.type(Goal, name="Goal", description="A goal in a development plan.")
class GoalType(relay.Node):
    text: str = strawberry_django.field(description="The goal.")
    activities: str = strawberry_django.field(description="What will be done to reach it.")
    responsible: str = strawberry_django.field(description="Who is responsible for what.")
    status: GoalStatusEnum = strawberry_django.field(description="Where it is on the ladder.")
    evaluation: str = strawberry_django.field(description="How it went.")
    version: int = strawberry_django.field(description="Send it back when saving an edit.")
    created_at: dt.datetime = strawberry_django.field(description="When it was proposed.")
    updated_at: dt.datetime = strawberry_django.field(description="When it last changed.")
    proposed_by = person_field("proposed_by", "Who proposed it.")
    subjects: list[SubjectType] = strawberry_django.field(description="Subjects it concerns.")
    knowledge_requirements: list[KnowledgeRequirementType] = strawberry_django.field(
        description="Knowledge requirements it works toward."
    )
    history: list[GoalStatusChangeType] = strawberry_django.field(
        description="Every status change, oldest first."
    )
    plan: DevelopmentPlanType = strawberry_django.field(description="The plan it belongs to.")

    get_queryset = scoped(lambda v: pages.pupil_page(v, "plan__pupil"))


@strawberry_django.type(
    DevelopmentPlan,
    name="DevelopmentPlan",
    description="A pupil's individual development plan (IUP) for one term.",
)
class DevelopmentPlanType(relay.Node):
    term: str = strawberry_django.field(description="HT or VT and a year, e.g. 'HT2026'.")
    state: PlanStateEnum = strawberry_django.field(
        description="Draft until the talk, then agreed (locked), then archived."
    )
    talk_date: dt.date | None = strawberry_django.field(description="The development talk.")
    talk_evaluation: str = strawberry_django.field(description="How the talk went.")
    agreed_at: dt.datetime | None = strawberry_django.field(description="When it was locked.")
    version: int = strawberry_django.field(description="Send it back when saving an edit.")
    created_at: dt.datetime = strawberry_django.field(description="When it was started.")
    updated_at: dt.datetime = strawberry_django.field(description="When it last changed.")
    started_by = person_field("started_by", "Who started it.")
    changed_by = person_field("changed_by", "Who changed it last.")
    template: PlanTemplateType = strawberry_django.field(description="The template it follows.")
    pupil: LazyPupil = strawberry_django.field(description="Whose plan it is.")
    answers: list[AnswerType] = strawberry_django.field(description="Every answer so far.")
    goals: list[GoalType] = strawberry_django.field(description="The plan's goals.")
    read_confirmations: list[ReadConfirmationType] = strawberry_django.field(
        description="Guardians who have confirmed reading it."
    )

    @strawberry_django.field(
        description="Questions answered per role (the green bars), goals by status, "
        "template, who started and who changed it last."
    )
    async def overview(self, root: DevelopmentPlan, info: Info) -> PlanOverview:
        return await plan_overview_loader(info).load(root.pk)

    get_queryset = scoped(pages.pupil_page)
