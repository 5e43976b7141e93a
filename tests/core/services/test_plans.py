"""The plan's life: start and archive, agree and lock, and what a lock allows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core.models import (
    DevelopmentPlan,
    GoalStatus,
    GoalStatusChange,
    PlanState,
    PlanTemplate,
    QuestionRole,
    SchoolForm,
)
from core.services import goals, plans
from core.services.errors import Conflict, Invalid, NotAllowed
from tests.cast import user
from tests.graphql import run
from tests.workflows import Work, snapshot

pytestmark = pytest.mark.django_db


# (name, who, call) -> plan states in which the call is allowed.
Call = Callable[[Work], Any]
LOCK_TABLE: list[tuple[str, str, Call, set[PlanState]]] = [
    (
        "answer",
        "mentor",
        lambda w: plans.answer_save(
            actor=user(w.cast, "mentor"),
            plan_id=w.plan.pk,
            question_id=w.staff_question.pk,
            role=QuestionRole.MENTOR,
            text_="Bra",
            version=None,
        ),
        {PlanState.DRAFT},
    ),
    (
        "read confirmation",
        "guardian",
        lambda w: plans.development_plan_read_confirm(
            actor=user(w.cast, "guardian"), plan_id=w.plan.pk, wishes="Läsning"
        ),
        {PlanState.DRAFT},
    ),
    (
        "goal proposal",
        "pupil",
        lambda w: goals.goal_propose(
            actor=user(w.cast, "pupil"), plan_id=w.plan.pk, text_="Simma"
        ),
        {PlanState.DRAFT},
    ),
    (
        "goal edit",
        "teacher",
        lambda w: goals.goal_update(
            actor=user(w.cast, "teacher"), goal_id=w.goal.pk, version=1, text_="Läsa mer"
        ),
        {PlanState.DRAFT},
    ),
    (
        "goal evaluation",
        "teacher",
        lambda w: goals.goal_evaluate(
            actor=user(w.cast, "teacher"), goal_id=w.goal.pk, version=1, evaluation="Nästan"
        ),
        {PlanState.DRAFT, PlanState.AGREED},
    ),
    (
        "goal cancelled",
        "mentor",
        lambda w: goals.goal_status_change(
            actor=user(w.cast, "mentor"), goal_id=w.goal.pk, version=1, status=GoalStatus.CANCELLED
        ),
        {PlanState.DRAFT, PlanState.AGREED},
    ),
    (
        "talk evaluation",
        "mentor",
        lambda w: plans.development_plan_evaluate(
            actor=user(w.cast, "mentor"), plan_id=w.plan.pk, version=1, evaluation="Bra samtal"
        ),
        {PlanState.AGREED},
    ),
    (
        "agreement",
        "mentor",
        lambda w: plans.development_plan_agree(
            actor=user(w.cast, "mentor"), plan_id=w.plan.pk, version=1
        ),
        {PlanState.DRAFT},
    ),
]
LOCK_CASES = [
    (name, state, call, state in allowed)
    for name, _, call, allowed in LOCK_TABLE
    for state in PlanState
]


@pytest.mark.parametrize(
    ("name", "state", "call"),
    [(n, s, c) for n, s, c, ok in LOCK_CASES if ok],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_lock_allows(work, name, state, call):
    # given
    DevelopmentPlan.objects.filter(pk=work.plan.pk).update(state=state)

    # when
    result = call(work)

    # then
    assert result.pk is not None, name


@pytest.mark.parametrize(
    ("name", "state", "call"),
    [(n, s, c) for n, s, c, ok in LOCK_CASES if not ok],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_the_lock_refuses_and_changes_nothing(work, name, state, call):
    # given
    DevelopmentPlan.objects.filter(pk=work.plan.pk).update(state=state)
    before = snapshot()

    # when
    with pytest.raises(NotAllowed) as refused:
        call(work)

    # then
    assert (refused.value.code, snapshot() == before) == ("not_allowed", True), name


def test_agreeing_locks_the_plan_and_starts_every_proposal(work):
    # given
    pupil_goal = goals.goal_propose(
        actor=user(work.cast, "pupil"), plan_id=work.plan.pk, text_="Simma"
    )

    # when
    plan = plans.development_plan_agree(
        actor=user(work.cast, "mentor"), plan_id=work.plan.pk, version=2
    )

    # then
    plan.refresh_from_db()
    steps = GoalStatusChange.objects.filter(goal__plan=plan).order_by("goal_id")
    assert (plan.state, plan.version, plan.agreed_at is not None) == (PlanState.AGREED, 3, True)
    assert [(s.goal_id, s.from_status, s.to_status, s.changed_by_id) for s in steps] == [
        (work.goal.pk, "new", "in_progress", user(work.cast, "mentor").pk),
        (pupil_goal.pk, "new", "in_progress", user(work.cast, "mentor").pk),
    ]


def test_starting_the_next_term_archives_the_plan_which_stays_readable(work):
    # when
    new = plans.development_plan_start(
        actor=user(work.cast, "mentor"),
        pupil_id=work.cast.alva.pk,
        term="VT2027",
        template_id=work.template.pk,
    )

    # then
    data = run(
        work.cast["guardian"],
        """query($id: ID!) { pupil(id: $id) {
        developmentPlans { term state } } }""",
        {"id": work.gid(work.cast.alva, "Pupil")},
    )
    assert sorted((p["term"], p["state"]) for p in data["pupil"]["developmentPlans"]) == [
        ("HT2026", "ARCHIVED"),
        ("VT2027", "DRAFT"),
    ]
    assert (new.term, new.started_by_id) == ("VT2027", user(work.cast, "mentor").pk)


def test_a_second_plan_for_the_same_term_is_a_conflict(work):
    # when
    with pytest.raises(Conflict) as refused:
        plans.development_plan_start(
            actor=user(work.cast, "teacher"),
            pupil_id=work.cast.alva.pk,
            term="HT2026",
            template_id=work.template.pk,
        )

    # then
    assert (refused.value.field, DevelopmentPlan.objects.count()) == ("term", 2)


def test_a_plan_for_an_earlier_term_is_refused(work):
    # when
    with pytest.raises(Invalid) as refused:
        plans.development_plan_start(
            actor=user(work.cast, "teacher"),
            pupil_id=work.cast.alva.pk,
            term="VT2026",
            template_id=work.template.pk,
        )

    # then
    assert (refused.value.message, DevelopmentPlan.objects.count()) == (
        "A plan for a later term exists; plans are started in order.",
        2,
    )


def test_a_guardian_answers_only_for_the_guardian_role(work):
    # when
    with pytest.raises(NotAllowed) as refused:
        plans.answer_save(
            actor=user(work.cast, "guardian"),
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.PUPIL,
            text_="Hon gillar att rita",
            version=1,
        )

    # then
    assert refused.value.message == "You do not answer questions put to the pupil."


def test_a_question_not_put_to_the_role_is_refused(work):
    # when
    with pytest.raises(Invalid) as refused:
        plans.answer_save(
            actor=user(work.cast, "mentor"),
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.MENTOR,
            text_="Bra",
            version=None,
        )

    # then
    assert (refused.value.field, refused.value.message) == (
        "role",
        "The question is not put to that role.",
    )


def test_a_plan_changed_since_the_mentor_loaded_it_is_not_agreed(work):
    # given
    goals.goal_propose(actor=user(work.cast, "guardian"), plan_id=work.plan.pk, text_="Simskola")
    before = snapshot()

    # when
    with pytest.raises(Conflict):
        plans.development_plan_agree(
            actor=user(work.cast, "mentor"), plan_id=work.plan.pk, version=1
        )

    # then
    assert snapshot() == before


def test_the_talk_date_is_today_or_recent(work):
    # given
    long_ago = dt.date.today() - dt.timedelta(days=400)

    # when
    with pytest.raises(Invalid) as refused:
        plans.development_plan_agree(
            actor=user(work.cast, "mentor"), plan_id=work.plan.pk, version=1, talk_date=long_ago
        )

    # then
    assert (refused.value.field, refused.value.message) == (
        "talkDate",
        "The talk is today or held within the last 180 days.",
    )


def test_a_term_far_from_today_is_refused(work):
    # when
    with pytest.raises(Invalid) as refused:
        plans.development_plan_start(
            actor=user(work.cast, "mentor"),
            pupil_id=work.cast.alva.pk,
            term="HT9999",
            template_id=work.template.pk,
        )

    # then
    assert (refused.value.field, DevelopmentPlan.objects.count()) == ("term", 2)


def test_a_template_for_another_school_form_is_refused(work):
    # given
    preschool = PlanTemplate.objects.create(name="Förskola", school_form=SchoolForm.PRESCHOOL)

    # when
    with pytest.raises(Invalid) as refused:
        plans.development_plan_start(
            actor=user(work.cast, "mentor"),
            pupil_id=work.cast.alva.pk,
            term="VT2027",
            template_id=preschool.pk,
        )

    # then
    assert (refused.value.field, refused.value.message) == (
        "templateId",
        "The template is for another school form.",
    )
