"""Saves based on a stale version are refused with `Conflict`, never overwriting.

Every edit sends back the version it was based on; the services write
with one conditional UPDATE, so the second of two saves of the same
version finds the version moved on. The last two tests race two real
connections on PostgreSQL (SQLite serialises writers anyway).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from core.models import (
    Answer,
    Goal,
    GoalStatus,
    GoalStatusChange,
    Prognosis,
    QuestionRole,
    User,
    WrittenAssessment,
)
from core.services.assessments import written_assessment_publish, written_assessment_save
from core.services.errors import Conflict
from core.services.goals import goal_evaluate, goal_status_change, goal_update
from core.services.plans import answer_save, development_plan_agree
from tests.workflows import Work

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite lets one writer at a time, so nothing races",
)


def _answer(work: Work) -> tuple[str, int, int]:
    answer = Answer.objects.get(pk=work.answer.pk)
    return answer.text, answer.version, answer.author_id


def _goal(work: Work) -> tuple[str, str, str, int]:
    goal = Goal.objects.get(pk=work.goal.pk)
    return goal.text, goal.status, goal.evaluation, goal.version


# -- answers ------------------------------------------------------------------


def test_an_answer_saved_with_the_version_read_moves_it_on(work):
    # when
    answer = answer_save(
        actor=work.cast["pupil"],
        plan_id=work.plan.pk,
        question_id=work.pupil_question.pk,
        role=QuestionRole.PUPIL,
        text_="Läsa",
        version=1,
    )

    # then
    assert (answer.text, answer.version) == ("Läsa", 2)
    assert _answer(work) == ("Läsa", 2, work.cast["pupil"].pk)


def test_an_answer_saved_with_a_stale_version_is_a_conflict_and_changes_nothing(work):
    # given
    pupil = work.cast["pupil"]
    answer_save(
        actor=pupil,
        plan_id=work.plan.pk,
        question_id=work.pupil_question.pk,
        role=QuestionRole.PUPIL,
        text_="Läsa",
        version=1,
    )

    # when
    with pytest.raises(Conflict) as refused:
        answer_save(
            actor=pupil,
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.PUPIL,
            text_="Simma",
            version=1,
        )

    # then
    assert (refused.value.code, refused.value.field) == ("conflict", None)
    assert _answer(work) == ("Läsa", 2, pupil.pk)


def test_a_first_answer_where_one_exists_is_a_conflict(work):
    # when
    with pytest.raises(Conflict):
        answer_save(
            actor=work.cast["pupil"],
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.PUPIL,
            text_="Simma",
            version=None,
        )

    # then
    assert _answer(work) == ("Rita", 1, work.cast["pupil"].pk)
    assert Answer.objects.count() == 1


def test_an_edit_of_an_answer_nobody_wrote_is_a_conflict(work):
    # when
    with pytest.raises(Conflict):
        answer_save(
            actor=work.cast["guardian"],
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.GUARDIAN,
            text_="Bada",
            version=3,
        )

    # then
    assert list(Answer.objects.values_list("role", "text")) == [("pupil", "Rita")]


# -- goals --------------------------------------------------------------------


def test_a_goal_edited_from_a_stale_version_is_a_conflict(work):
    # given
    teacher = work.cast["teacher"]
    goal_update(actor=teacher, goal_id=work.goal.pk, version=1, text_="Läsa varje dag")

    # when
    with pytest.raises(Conflict):
        goal_update(
            actor=teacher,
            goal_id=work.goal.pk,
            version=1,
            text_="Läsa ibland",
            subject_ids=[work.cast.swedish.pk],
        )

    # then
    assert _goal(work) == ("Läsa varje dag", GoalStatus.NEW, "", 2)
    assert list(Goal.objects.get(pk=work.goal.pk).subjects.all()) == []


def test_a_goal_moved_from_a_stale_version_is_a_conflict_and_no_step_is_recorded(work):
    # given
    development_plan_agree(actor=work.cast["mentor"], plan_id=work.plan.pk, version=1)
    steps = list(GoalStatusChange.objects.values_list("from_status", "to_status"))

    # when
    with pytest.raises(Conflict):
        goal_status_change(
            actor=work.cast["teacher"], goal_id=work.goal.pk, version=1, status=GoalStatus.DONE
        )

    # then
    assert steps == [(GoalStatus.NEW, GoalStatus.IN_PROGRESS)]
    assert _goal(work) == ("Läsa mer", GoalStatus.IN_PROGRESS, "", 2)
    assert list(GoalStatusChange.objects.values_list("from_status", "to_status")) == steps


def test_a_goal_evaluated_from_a_stale_version_is_a_conflict(work):
    # given
    teacher = work.cast["teacher"]
    goal_evaluate(actor=teacher, goal_id=work.goal.pk, version=1, evaluation="Bra början")

    # when
    with pytest.raises(Conflict):
        goal_evaluate(actor=teacher, goal_id=work.goal.pk, version=1, evaluation="Svårt")

    # then
    assert _goal(work) == ("Läsa mer", GoalStatus.NEW, "Bra början", 2)
    assert GoalStatusChange.objects.count() == 0


# -- written assessments ----------------------------------------------------------


def _assessment(work: Work) -> tuple[str, str, bool, int]:
    found = WrittenAssessment.objects.get(pk=work.draft.pk)
    return found.text, found.prognosis, found.published_at is not None, found.version


def _save_draft(work: Work, text: str, version: int | None, *, publish: bool = False) -> Any:
    teacher = work.cast["teacher"]
    assert isinstance(teacher, User)
    return written_assessment_save(
        actor=teacher,
        pupil_id=work.cast.alva.pk,
        subject_id=work.cast.maths.pk,
        term="HT2026",
        text_=text,
        prognosis=Prognosis.AT_RISK,
        version=version,
        publish=publish,
    )


def test_an_assessment_saved_from_a_stale_version_is_a_conflict(work):
    # given
    _save_draft(work, "Bättre", 1)

    # when
    with pytest.raises(Conflict):
        _save_draft(work, "Sämre", 1, publish=True)

    # then
    assert _assessment(work) == ("Bättre", Prognosis.AT_RISK, False, 2)


def test_a_new_assessment_where_one_exists_is_a_conflict(work):
    # when
    with pytest.raises(Conflict):
        _save_draft(work, "Ny", None)

    # then
    assert _assessment(work) == ("Bra", Prognosis.ON_TRACK, False, 1)


def test_publishing_a_stale_version_is_a_conflict_and_keeps_the_draft_hidden(work):
    # given
    _save_draft(work, "Bättre", 1)

    # when
    with pytest.raises(Conflict):
        written_assessment_publish(
            actor=work.cast["teacher"], assessment_id=work.draft.pk, version=1
        )

    # then
    assert _assessment(work) == ("Bättre", Prognosis.AT_RISK, False, 2)


def test_publishing_a_published_assessment_from_a_stale_version_is_a_conflict(work):
    # given
    _save_draft(work, "Bättre", 1, publish=True)

    # when
    with pytest.raises(Conflict):
        written_assessment_publish(
            actor=work.cast["teacher"], assessment_id=work.draft.pk, version=1
        )

    # then
    assert _assessment(work) == ("Bättre", Prognosis.AT_RISK, True, 2)


# -- real races on PostgreSQL -------------------------------------------------------


def _race(*calls: Callable[[], Any]) -> list[str]:
    """Run `calls` at once, each in its own thread, connection and transaction.

    Each thread opens its transaction, waits until every thread is ready,
    then calls; a call's outcome is "saved" or its error's code.
    """
    barrier = threading.Barrier(len(calls), timeout=30)
    outcomes = [""] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            with transaction.atomic():
                barrier.wait()
                call()
            outcomes[index] = "saved"
        except Conflict as error:
            outcomes[index] = error.code
        except Exception as error:  # noqa: BLE001 - reported to the test, not lost in the thread
            outcomes[index] = repr(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _as(user: Any) -> User:
    """A fresh copy of `user` (each request has its own, with its own memo)."""
    return User.objects.get(pk=user.pk)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_edits_of_one_answer_save_one_and_refuse_the_other(work):
    # given
    def edit(text: str) -> Callable[[], Any]:
        actor = _as(work.cast["pupil"])
        return lambda: answer_save(
            actor=actor,
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.PUPIL,
            text_=text,
            version=1,
        )

    # when
    outcomes = _race(edit("Läsa"), edit("Simma"))

    # then
    assert sorted(outcomes) == ["conflict", "saved"]
    winner = ["Läsa", "Simma"][outcomes.index("saved")]
    assert _answer(work) == (winner, 2, work.cast["pupil"].pk)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_answers_save_one_and_refuse_the_other(work):
    # given
    def first(member: str) -> Callable[[], Any]:
        actor = _as(work.cast[member])
        return lambda: answer_save(
            actor=actor,
            plan_id=work.plan.pk,
            question_id=work.staff_question.pk,
            role=QuestionRole.TEACHER,
            text_=member,
            version=None,
        )

    # when
    outcomes = _race(first("teacher"), first("mentor"))

    # then
    assert sorted(outcomes) == ["conflict", "saved"]
    winner = ["teacher", "mentor"][outcomes.index("saved")]
    staff_answers = Answer.objects.filter(question=work.staff_question)
    assert list(staff_answers.values_list("role", "text", "version", "author_id")) == [
        ("teacher", winner, 1, work.cast[winner].pk)
    ]
