"""The plan and group overviews: a development plan at a glance, and a class's lines.

A plan's overview is loaded in batches: a constant number of queries.
`DevelopmentPlan.overview` is asked for once per plan on a page (a guardian
with two children, a teacher's class); a DataLoader gathers every plan of
the request and answers them all with four queries. `Group.overview` is
one line per pupil, built from the rows of `core.selectors.overview`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay
from strawberry.dataloader import DataLoader

from core.models import DevelopmentPlan, GoalStatus, PlanState
from core.selectors.overview import Progress, PupilRow, goal_counts, plan_progress
from permissions.relations import Viewer
from permissions.rules import display_name
from schema.common import PersonName
from schema.context import Info, viewer
from schema.enums import GoalStatusEnum, PlanStateEnum, QuestionRoleEnum
from schema.teaching.types import PlanTemplateType

if TYPE_CHECKING:
    from schema.plans.types import DevelopmentPlanType
    from schema.roster.types import PupilType


@strawberry.type(description="How far one role has come with its preparation questions.")
class RoleProgress:
    role: QuestionRoleEnum = strawberry.field(description="The role.")
    asked: int = strawberry.field(description="Questions put to the role.")
    answered: int = strawberry.field(description="Of those, how many the role has answered.")
    share: float = strawberry.field(
        description="answered / asked, from 0 to 1; 0 when nothing is asked."
    )


@strawberry.type(description="How many goals stand at one status.")
class GoalStatusCount:
    status: GoalStatusEnum = strawberry.field(description="The status.")
    count: int = strawberry.field(description="How many goals.")


@strawberry.type(description="A development plan at a glance.")
class PlanOverview:
    plan: strawberry.Private[DevelopmentPlan]
    progress: list[RoleProgress] = strawberry.field(
        description="Per role (pupil, guardian, teacher, mentor): questions asked and answered."
    )
    goals_by_status: list[GoalStatusCount] = strawberry.field(
        description="Every status of the ladder, with how many goals stand there."
    )
    started_by: PersonName = strawberry.field(description="Who started the plan.")
    changed_by: PersonName = strawberry.field(description="Who changed it last.")
    changed_at: dt.datetime = strawberry.field(description="When it last changed.")

    @strawberry.field(description="The template the plan follows.")
    def template(self) -> PlanTemplateType:
        return self.plan.template  # type: ignore[return-value]


def request_cache(info: Info) -> dict[str, Any]:
    """A dict that lives as long as this request's context (or this socket message)."""
    context = info.context
    if isinstance(context, dict):
        return context.setdefault("_cache", {})  # type: ignore[no-any-return]
    if not hasattr(context, "_cache"):
        context._cache = {}
    return context._cache  # type: ignore[no-any-return]


def plan_overview_loader(info: Info) -> DataLoader[int, PlanOverview]:
    """The request's overview loader (one per request, so batches span the page)."""
    cache = request_cache(info)
    if "plan_overview" not in cache:
        who = viewer(info)

        async def load(ids: list[int]) -> Sequence[PlanOverview]:
            return await sync_to_async(plan_overviews)(who, ids)

        cache["plan_overview"] = DataLoader(load_fn=load)
    return cache["plan_overview"]  # type: ignore[no-any-return]


def plan_overviews(who: Viewer, ids: list[int]) -> list[PlanOverview]:
    """Overviews of the plans `ids` in that order, in four queries.

    The caller has already scoped the plans to the viewer.
    """
    plans = DevelopmentPlan.objects.select_related(
        "template", "started_by__person", "changed_by__person"
    ).in_bulk(ids)
    progress = plan_progress((p.pk, p.template_id) for p in plans.values())
    goals = goal_counts(ids)
    return [
        PlanOverview(
            plan=plan,
            progress=role_progress(progress[plan.pk]),
            goals_by_status=status_counts(goals[plan.pk]),
            started_by=PersonName(name=display_name(who, plan.started_by.person)),
            changed_by=PersonName(name=display_name(who, plan.changed_by.person)),
            changed_at=plan.updated_at,
        )
        for plan in (plans[i] for i in ids)
    ]


def role_progress(progress: Progress) -> list[RoleProgress]:
    """The green bars: one per role."""
    return [
        RoleProgress(role=r, asked=a, answered=n, share=n / a if a else 0.0)
        for r, a, n in progress.per_role()
    ]


def status_counts(goals: Counter[str]) -> list[GoalStatusCount]:
    """Every step of the ladder with its count, zeros included."""
    return [GoalStatusCount(status=s, count=goals[s.value]) for s in GoalStatus]


@strawberry.type(description="The newest learning-log entry of a pupil, in short.")
class LogEntrySummary:
    id: relay.GlobalID = strawberry.field(description="The entry's global id, for `node`.")
    text: str = strawberry.field(description="What was written.")
    created_at: dt.datetime = strawberry.field(description="When.")


@strawberry.type(
    description="One pupil's line in a class overview. The flat fields cost nothing "
    "per line; `pupil`, `plan` and `latestLogEntryNode` open the full nodes."
)
class PupilOverview:
    row: strawberry.Private[PupilRow]
    pupil_id: relay.GlobalID = strawberry.field(description="The pupil's global id.")
    name: str = strawberry.field(description="The pupil's name.")
    school_year: int | None = strawberry.field(description="Årskurs; none in preschool.")
    plan_id: relay.GlobalID | None = strawberry.field(
        description="The term's development plan, if one is started."
    )
    plan_state: PlanStateEnum | None = strawberry.field(
        description="Where that plan is: draft, agreed or archived."
    )
    progress: list[RoleProgress] = strawberry.field(
        description="The term plan's questions answered per role; zeros without a plan."
    )
    goals_by_status: list[GoalStatusCount] = strawberry.field(
        description="The term plan's goals by status."
    )
    assessments_at_risk: int = strawberry.field(
        description="Published assessments of the term with the prognosis 'at risk'."
    )
    latest_log_entry: LogEntrySummary | None = strawberry.field(
        description="The newest learning-log entry, if any."
    )

    @strawberry.field(description="The pupil as a full node.")
    def pupil(self) -> Annotated[PupilType, strawberry.lazy("schema.roster.types")]:
        return self.row.pupil  # type: ignore[return-value]

    @strawberry.field(description="The term's development plan as a full node.")
    def plan(self) -> Annotated[DevelopmentPlanType, strawberry.lazy("schema.plans.types")] | None:
        return self.row.plan  # type: ignore[return-value]


@strawberry.type(description="A class at a glance, for its teachers.")
class GroupOverview:
    term: str = strawberry.field(description="The term summarised, e.g. 'HT2026'.")
    pupils: list[PupilOverview] = strawberry.field(description="One line per pupil, by name.")


def group_overview_type(term: str, rows: list[PupilRow]) -> GroupOverview:
    """The GraphQL overview of a class from the selector's rows."""
    return GroupOverview(
        term=term,
        pupils=[_line(row) for row in rows],
    )


def _line(row: PupilRow) -> PupilOverview:
    plan, entry = row.plan, row.latest_entry
    return PupilOverview(
        row=row,
        pupil_id=relay.GlobalID("Pupil", str(row.pupil.pk)),
        name=str(row.pupil.person),
        school_year=row.pupil.school_year,
        plan_id=None if plan is None else relay.GlobalID("DevelopmentPlan", str(plan.pk)),
        plan_state=None if plan is None else PlanState(plan.state),
        progress=role_progress(row.progress),
        goals_by_status=status_counts(row.goals),
        assessments_at_risk=row.at_risk,
        latest_log_entry=None
        if entry is None
        else LogEntrySummary(
            id=relay.GlobalID("LearningLogEntry", str(entry.pk)),
            text=entry.text,
            created_at=entry.created_at,
        ),
    )
