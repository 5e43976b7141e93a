"""Goals in a plan: propose, edit a proposal, move on the ladder, evaluate.

Who may move a goal where is `permissions.rules.goal_move_allowed`; every
move is kept as a `GoalStatusChange` with who and when.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from core.models import (
    Goal,
    GoalStatus,
    GoalStatusChange,
    KnowledgeRequirement,
    NoticeKind,
    PlanState,
    Subject,
    User,
)
from core.selectors.pages import pupil_page
from core.services.common import fetch, require, save_versioned, text
from core.services.errors import Invalid
from core.services.plans import plan_for, plan_notice, require_state, touch
from permissions import rules

MAX_LINKS = 20


def goal_for(actor: User, pk: int) -> Goal:
    """A goal the actor reads, read after locking its plan.

    Every write to a goal locks the plan first, so a goal change and the
    plan's agreement (which moves proposals) never interleave or deadlock.
    """
    scope = pupil_page(actor, "plan__pupil")
    plan = plan_for(actor, fetch(Goal.objects.all(), scope, pk).plan_id)
    goal = fetch(Goal.objects.all(), scope, pk)
    goal.plan = plan
    return goal


def goal_propose(
    *,
    actor: User,
    plan_id: int,
    text_: str,
    activities: str = "",
    responsible: str = "",
    subject_ids: Sequence[int] = (),
    requirement_ids: Sequence[int] = (),
) -> Goal:
    """Propose a goal before the talk; it waits as NEW until the plan is agreed."""
    fields = _goal_text(text_, activities, responsible)
    with transaction.atomic():
        plan = plan_for(actor, plan_id)
        require(rules.can_propose_goal(actor, plan.pupil))
        require_state(plan, PlanState.DRAFT)
        subjects, requirements = _links(subject_ids, requirement_ids)
        goal = Goal.objects.create(plan=plan, proposed_by=actor, **fields)
        goal.subjects.set(subjects)
        goal.knowledge_requirements.set(requirements)
        touch(plan, actor)
        plan_notice(
            plan,
            actor,
            NoticeKind.PLAN_CHANGED,
            f"Nytt målförslag i utvecklingsplanen {plan.term}",
        )
        return goal


def goal_update(
    *,
    actor: User,
    goal_id: int,
    version: int,
    text_: str,
    activities: str = "",
    responsible: str = "",
    subject_ids: Sequence[int] = (),
    requirement_ids: Sequence[int] = (),
) -> Goal:
    """Edit a goal before the talk: its proposer, or the pupil's teachers and mentors."""
    fields = _goal_text(text_, activities, responsible)
    with transaction.atomic():
        goal = goal_for(actor, goal_id)
        own = goal.proposed_by_id == actor.pk and rules.can_propose_goal(actor, goal.plan.pupil)
        require(own or rules.can_start_plan(actor, goal.plan.pupil))
        require_state(goal.plan, PlanState.DRAFT)
        subjects, requirements = _links(subject_ids, requirement_ids)
        save_versioned(goal, version, **fields)
        goal.subjects.set(subjects)
        goal.knowledge_requirements.set(requirements)
        touch(goal.plan, actor)
        return goal


def goal_status_change(*, actor: User, goal_id: int, version: int, status: GoalStatus) -> Goal:
    """Move a goal on the ladder, as the policy allows; the step is recorded."""
    with transaction.atomic():
        goal = goal_for(actor, goal_id)
        step = f"{GoalStatus(goal.status).label} to {GoalStatus(status).label}"
        require(rules.can_move_goal(actor, goal, status), f"You may not move the goal {step}.")
        from_status = goal.status
        save_versioned(goal, version, status=status)
        GoalStatusChange.objects.create(
            goal=goal, from_status=from_status, to_status=status, changed_by=actor
        )
        plan_notice(
            goal.plan,
            actor,
            NoticeKind.GOAL_MOVED,
            f"Ett mål är nu {GoalStatus(status).label.lower()}",
        )
        return goal


def goal_evaluate(*, actor: User, goal_id: int, version: int, evaluation: str) -> Goal:
    """Write how the goal went; open until the plan is archived."""
    body = text(evaluation, "evaluation")
    with transaction.atomic():
        goal = goal_for(actor, goal_id)
        require(rules.can_advance_goal(actor, goal.plan.pupil))
        require_state(goal.plan, PlanState.DRAFT, PlanState.AGREED)
        save_versioned(goal, version, evaluation=body)
        return goal


def _goal_text(goal_text: str, activities: str, responsible: str) -> dict[str, str]:
    return {
        "text": text(goal_text, "text", limit=2_000),
        "activities": text(activities, "activities", required=False, limit=4_000),
        "responsible": text(responsible, "responsible", required=False, limit=2_000),
    }


def _links(
    subject_ids: Sequence[int], requirement_ids: Sequence[int]
) -> tuple[list[Subject], list[KnowledgeRequirement]]:
    """The subjects and knowledge requirements a goal links to; unknown ids are refused."""
    if len(subject_ids) > MAX_LINKS or len(requirement_ids) > MAX_LINKS:
        raise Invalid(f"A goal links to at most {MAX_LINKS} subjects and requirements.")
    subjects = list(Subject.objects.filter(pk__in=subject_ids))
    if len(subjects) != len(set(subject_ids)):
        raise Invalid("Unknown subject.", field="subjectIds")
    requirements = list(KnowledgeRequirement.objects.filter(pk__in=requirement_ids))
    if len(requirements) != len(set(requirement_ids)):
        raise Invalid("Unknown knowledge requirement.", field="requirementIds")
    return subjects, requirements
