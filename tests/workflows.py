"""Alva's page in the middle of a term, for the workflow tests.

Alva has a draft plan for HT2026 with questions put to every role, the
pupil's answer, a goal the teacher proposed, a maths draft assessment by
the teacher and a log entry by the teacher; Elis has a plan with a goal.
`mutate` runs a mutation as a cast member and `snapshot` captures every
row a mutation could touch, so a refusal can be shown to change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from django.db import models
from django.test import RequestFactory
from strawberry.django.context import StrawberryDjangoContext
from strawberry.relay import to_base64

from core.models import (
    AccountSettings,
    Answer,
    BlogImage,
    BlogPost,
    DevelopmentPlan,
    Goal,
    GoalStatusChange,
    LearningLogComment,
    LearningLogEntry,
    LearningLogImage,
    Person,
    PlanTemplate,
    PreparationQuestion,
    Prognosis,
    ReadConfirmation,
    User,
    WrittenAssessment,
)
from schema import schema
from tests.cast import Cast
from tests.factories import iup_template

WRITABLE: tuple[type[models.Model], ...] = (
    DevelopmentPlan,
    Answer,
    ReadConfirmation,
    Goal,
    GoalStatusChange,
    WrittenAssessment,
    LearningLogEntry,
    LearningLogComment,
    LearningLogImage,
    BlogPost,
    BlogImage,
    AccountSettings,
    Person,
    User,
)
REFUSALS = {"NOT_FOUND", "NOT_ALLOWED", "NOT_AUTHENTICATED"}


@dataclass
class Work:
    """Alva's page, with global ids of what the mutations act on."""

    cast: Cast
    template: PlanTemplate
    pupil_question: PreparationQuestion  # put to pupil and guardian
    staff_question: PreparationQuestion  # put to teacher and mentor
    plan: DevelopmentPlan
    answer: Answer
    goal: Goal
    elis_goal: Goal
    draft: WrittenAssessment
    entry: LearningLogEntry

    def gid(self, obj: models.Model, type_name: str | None = None) -> str:
        return to_base64(type_name or type(obj).__name__, obj.pk)


def build_work(cast: Cast) -> Work:
    teacher = cast["teacher"]
    assert isinstance(teacher, User)
    pupil = cast["pupil"]
    assert isinstance(pupil, User)
    template, pupil_question, staff_question = iup_template()
    plan = DevelopmentPlan.objects.create(
        pupil=cast.alva, term="HT2026", template=template, started_by=teacher, changed_by=teacher
    )
    answer = Answer.objects.create(
        plan=plan, question=pupil_question, role="pupil", text="Rita", author=pupil
    )
    goal = Goal.objects.create(plan=plan, text="Läsa mer", proposed_by=teacher)
    elis_plan = DevelopmentPlan.objects.create(
        pupil=cast.elis, term="HT2026", template=template, started_by=teacher, changed_by=teacher
    )
    elis_goal = Goal.objects.create(plan=elis_plan, text="Räkna", proposed_by=teacher)
    draft = WrittenAssessment.objects.create(
        pupil=cast.alva,
        subject=cast.maths,
        term="HT2026",
        text="Bra",
        author=teacher,
        prognosis=Prognosis.ON_TRACK,
    )
    entry = LearningLogEntry.objects.create(pupil=cast.alva, author=teacher, text="Bråk")
    return Work(
        cast, template, pupil_question, staff_question, plan, answer, goal, elis_goal, draft, entry
    )


def mutate(viewer: Any, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run `query` as `viewer`; GraphQL-level errors fail the test."""
    request = RequestFactory().post("/graphql/")
    request.user = viewer
    context = StrawberryDjangoContext(request=request, response=None)  # type: ignore[arg-type]
    result = async_to_sync(schema.execute)(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    return result.data  # type: ignore[return-value]


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a mutation writes, in a stable order."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values_list())
        for model in WRITABLE
    }


def codes(payload: dict[str, Any]) -> list[str]:
    """The error codes of a payload."""
    return [error["code"] for error in payload["errors"]]
