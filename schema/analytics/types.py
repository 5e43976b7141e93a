"""Summaries over GraphQL: counts only, each published or suppressed.

No type here links to a pupil, a group's members or any page: a summary
is numbers, and a number under the threshold is withheld.
"""

from __future__ import annotations

import datetime as dt

import strawberry
from django.urls import reverse

from core.models import GoalStatus, QuestionRole
from core.selectors.analytics import POPULATION, Summary, trend_terms
from core.selectors.summary_rows import PLAN_PARTS, cell, subjects
from core.selectors.suppression import Key, Node
from schema.enums import GoalStatusEnum, QuestionRoleEnum


@strawberry.type(name="SummaryCount", description="A count, or withheld as too small to publish.")
class CountType:
    value: int | None = strawberry.field(description="Null when suppressed.")
    suppressed: bool = strawberry.field(
        description="True when the count, or what could be worked out from it, is under the "
        "threshold."
    )


def count(node: Node, key: Key) -> CountType:
    """A cell of the node as a GraphQL count."""
    value = cell(node, key)
    return CountType(value=value, suppressed=value is None)


def share(part: CountType, rest: CountType) -> float | None:
    """Part / (part + rest), only when both are published."""
    if part.value is None or rest.value is None or part.value + rest.value == 0:
        return None
    return round(part.value / (part.value + rest.value), 3)


@strawberry.type(description="Plans of a term among the pupils of the summary.")
class PlanCounts:
    term: str = strawberry.field(description="E.g. 'HT2026'.")
    agreed: CountType = strawberry.field(description="Agreed at a development talk.")
    draft: CountType = strawberry.field(description="Started, not agreed.")
    none: CountType = strawberry.field(description="Pupils without a plan that term.")


@strawberry.type(description="Preparation questions a role was asked, answered or not.")
class RoleAnswers:
    role: QuestionRoleEnum = strawberry.field(description="The role asked.")
    answered: CountType = strawberry.field(description="Questions answered.")
    unanswered: CountType = strawberry.field(description="Questions not answered yet.")
    share: float | None = strawberry.field(description="Share answered; null if withheld.")


@strawberry.type(description="Goals of one status.")
class GoalCount:
    status: GoalStatusEnum = strawberry.field(description="The step on the ladder.")
    count: CountType = strawberry.field(description="Goals at that step.")


@strawberry.type(description="Published written assessments of a subject.")
class SubjectRisk:
    subject: str = strawberry.field(description="The subject's name.")
    at_risk: CountType = strawberry.field(description="At risk of not reaching the requirements.")
    on_track: CountType = strawberry.field(description="On track.")
    at_risk_share: float | None = strawberry.field(description="Share at risk; null if withheld.")


@strawberry.type(description="Who used the service in the last 30 days.")
class Usage:
    pupils_active: CountType = strawberry.field(description="Pupils signed in lately.")
    pupils_inactive: CountType = strawberry.field(description="Pupils not signed in lately.")
    guardians_active: CountType = strawberry.field(
        description="Guardian-child links whose guardian signed in lately."
    )
    guardians_earlier: CountType = strawberry.field(
        description="… whose guardian signed in before, not lately."
    )
    guardians_never: CountType = strawberry.field(description="… whose guardian never signed in.")
    staff_active: CountType = strawberry.field(
        description="Staff-class assignments whose staff signed in lately."
    )
    staff_inactive: CountType = strawberry.field(description="… whose staff did not.")


@strawberry.type(description="A class's, school's or organiser's figures for a term.")
class SummaryType:
    level: str = strawberry.field(description="'group', 'school' or 'organisation'.")
    name: str = strawberry.field(description="The class, school or organiser.")
    term: str = strawberry.field(description="The term summarised.")
    min_cell: int = strawberry.field(description="The smallest count published.")
    pupils: CountType = strawberry.field(description="Pupils in its classes today.")
    plans: PlanCounts = strawberry.field(description="The term's plans.")
    trend: list[PlanCounts] = strawberry.field(description="Plans over four terms, oldest first.")
    answers: list[RoleAnswers] = strawberry.field(description="Answers per role.")
    goals: list[GoalCount] = strawberry.field(description="Goals of the term's plans per status.")
    assessments: list[SubjectRisk] = strawberry.field(description="Per subject.")
    learning_log_entries: CountType = strawberry.field(description="Entries written in the term.")
    usage: Usage = strawberry.field(description="Use of the service per role.")
    csv_url: str = strawberry.field(description="The same summary as CSV for spreadsheets.")
    counted_at: dt.datetime = strawberry.field(
        description="When the figures were counted: a summary is kept for a few minutes "
        "(SUMMARY_CACHE_SECONDS) and counted anew after that."
    )

    @classmethod
    def of(cls, summary: Summary, csv_path: str) -> SummaryType:
        """The GraphQL view of a protected summary."""
        node, term = summary.node, summary.term
        plans = [_plans(node, t) for t in trend_terms(term)]
        return cls(
            level=summary.level,
            name=summary.name,
            term=term,
            min_cell=summary.min_cell,
            pupils=count(node, POPULATION),
            plans=plans[-1],
            trend=plans,
            answers=[_answers(node, role) for role in QuestionRole],
            goals=[GoalCount(status=s, count=count(node, ("goals", s.value))) for s in GoalStatus],
            assessments=[_subject(node, s) for s in subjects(node, summary.min_cell)],
            learning_log_entries=count(node, ("learning_log", "entries")),
            usage=_usage(node),
            csv_url=f"{csv_path}?term={term}",
            counted_at=summary.counted_at,
        )


def _plans(node: Node, term: str) -> PlanCounts:
    parts = {part: count(node, ("plans", term, part)) for part in PLAN_PARTS}
    return PlanCounts(term=term, **parts)


def _answers(node: Node, role: QuestionRole) -> RoleAnswers:
    done = count(node, ("answers", role.value, "answered"))
    rest = count(node, ("answers", role.value, "unanswered"))
    return RoleAnswers(role=role, answered=done, unanswered=rest, share=share(done, rest))


def _subject(node: Node, subject: object) -> SubjectRisk:
    risk = count(node, ("assessments", subject, "at_risk"))
    fine = count(node, ("assessments", subject, "on_track"))
    return SubjectRisk(
        subject=str(subject), at_risk=risk, on_track=fine, at_risk_share=share(risk, fine)
    )


def _usage(node: Node) -> Usage:
    def c(who: str, part: str) -> CountType:
        return count(node, ("usage", who, part))

    return Usage(
        pupils_active=c("pupils", "active"),
        pupils_inactive=c("pupils", "inactive"),
        guardians_active=c("guardians", "active"),
        guardians_earlier=c("guardians", "earlier"),
        guardians_never=c("guardians", "never"),
        staff_active=c("staff", "active"),
        staff_inactive=c("staff", "inactive"),
    )


def csv_path(level: str, pk: int) -> str:
    """Where a summary is served as CSV."""
    return reverse("summary-csv", kwargs={"level": level, "pk": pk})
