"""Plans and classes at a glance, in a fixed number of queries however large.

`plan_progress` answers "how many questions has each role answered" for any
number of plans at once; `group_overview` gives a teacher one row per pupil
of a class. Both are used by the GraphQL API and by the benchmark's plain
JSON view, so the two serve the same data.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery

from core.models import (
    Answer,
    DevelopmentPlan,
    Goal,
    Group,
    GroupMembership,
    LearningLogEntry,
    PreparationQuestion,
    Prognosis,
    Pupil,
    QuestionRole,
    WrittenAssessment,
    active_on,
)
from permissions.assurance import page_pupils
from permissions.relations import Viewer, today
from permissions.rules import can_read_group_overview


def current_term(day: dt.date | None = None) -> str:
    """The term a day falls in: VT January to June, HT July to December."""
    day = day or today()
    return f"{'VT' if day.month <= 6 else 'HT'}{day.year}"  # noqa: PLR2004


@dataclass
class Progress:
    """Questions put to each role, and how many of them the role has answered."""

    asked: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)

    def per_role(self) -> list[tuple[QuestionRole, int, int]]:
        """(role, asked, answered) for every role, in a fixed order."""
        return [(r, self.asked[r.value], self.answered[r.value]) for r in QuestionRole]


def plan_progress(plans: Iterable[tuple[int, int]]) -> dict[int, Progress]:
    """Progress per plan, from (plan id, template id) pairs, in two queries.

    An answer counts when its text is not empty and the question is put to
    the role that answered.
    """
    template_of = dict(plans)
    asked: dict[int, Counter[str]] = defaultdict(Counter)
    directed: set[tuple[int, str]] = set()
    questions = PreparationQuestion.objects.filter(
        section__template_id__in=set(template_of.values())
    ).values_list("section__template_id", "pk", "roles")
    for template_id, question_id, roles in questions:
        for role in roles:
            asked[template_id][role] += 1
            directed.add((question_id, role))
    progress = {plan: Progress(asked=asked[template]) for plan, template in template_of.items()}
    answers = Answer.objects.filter(plan_id__in=template_of).exclude(text="")
    for plan_id, question_id, role in answers.values_list("plan_id", "question_id", "role"):
        if (question_id, role) in directed:
            progress[plan_id].answered[role] += 1
    return progress


def goal_counts(plan_ids: Iterable[int]) -> dict[int, Counter[str]]:
    """Goals per status for each plan, in one query."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = Goal.objects.filter(plan_id__in=list(plan_ids)).values("plan_id", "status")
    for row in rows.annotate(n=Count("pk")).order_by():
        counts[row["plan_id"]][row["status"]] = row["n"]
    return counts


@dataclass
class PupilRow:
    """One pupil's line in a class overview."""

    pupil: Pupil
    plan: DevelopmentPlan | None
    progress: Progress
    goals: Counter[str]
    at_risk: int
    latest_entry: LearningLogEntry | None


def group_overview(viewer: Viewer, group: Group, term: str) -> list[PupilRow] | None:
    """Every pupil of the group with the term's plan progress, or None when not allowed.

    Teachers and mentors of the group and the school's principal and
    administrators may ask; a constant number of queries for any class size.
    """
    if not can_read_group_overview(viewer, group):
        return None
    members = GroupMembership.objects.filter(active_on(today()), group_id=group.pk)
    latest = LearningLogEntry.objects.filter(pupil=OuterRef("pk")).order_by("-created_at", "-pk")
    pupils = list(
        Pupil.objects.filter(pk__in=members.values("pupil_id"))
        .filter(pk__in=page_pupils(viewer).values("pk"))
        .select_related("person")
        .annotate(latest_entry_id=Subquery(latest.values("pk")[:1]))
        .order_by("person__family_name", "person__given_name", "pk")
    )
    ids = [p.pk for p in pupils]
    plans = {p.pupil_id: p for p in DevelopmentPlan.objects.filter(pupil_id__in=ids, term=term)}
    progress = plan_progress((p.pk, p.template_id) for p in plans.values())
    goals = goal_counts(p.pk for p in plans.values())
    at_risk = dict(
        WrittenAssessment.objects.filter(
            pupil_id__in=ids, term=term, prognosis=Prognosis.AT_RISK, published_at__isnull=False
        )
        .values("pupil_id")
        .annotate(n=Count("pk"))
        .values_list("pupil_id", "n")
        .order_by()
    )
    entries = LearningLogEntry.objects.in_bulk(
        [p.latest_entry_id for p in pupils if p.latest_entry_id is not None]
    )
    return [
        PupilRow(
            pupil=pupil,
            plan=(plan := plans.get(pupil.pk)),
            progress=progress[plan.pk] if plan is not None else Progress(),
            goals=goals[plan.pk] if plan is not None else Counter(),
            at_risk=at_risk.get(pupil.pk, 0),
            latest_entry=entries.get(pupil.latest_entry_id),
        )
        for pupil in pupils
    ]
