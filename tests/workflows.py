"""Alva's page in the middle of a term, for the workflow tests.

Alva has a draft plan for HT2026 with questions put to every role, the
pupil's answer, a goal the teacher proposed, a maths draft assessment by
the teacher and a log entry by the teacher; Elis has a plan with a goal.
`snapshot` captures every row a mutation could touch, so a refusal can be
shown to change nothing (tests/graphql.py runs the mutations);
`seed_notices` records notices about the page for every member.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from strawberry.relay import to_base64

from core.models import (
    AccountSettings,
    Answer,
    BlogImage,
    BlogKind,
    BlogPost,
    DevelopmentPlan,
    Goal,
    GoalStatusChange,
    LearningLogComment,
    LearningLogEntry,
    LearningLogImage,
    NoticeKind,
    Person,
    PlanTemplate,
    PreparationQuestion,
    Prognosis,
    ReadConfirmation,
    User,
    WrittenAssessment,
)
from core.services.notices import Change, notice_record
from tests.cast import (
    NOTICE_3A,
    NOTICE_3B,
    NOTICE_EKSKOLAN,
    NOTICE_KARIN,
    NOTICE_PLAN,
    Cast,
    signed_in,
    user,
)
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


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table a mutation writes, in a stable order."""
    return {
        model.__name__: list(model._default_manager.order_by("pk").values_list())
        for model in WRITABLE
    }


def codes(payload: dict[str, Any]) -> list[str]:
    """The error codes of a payload."""
    return [error["code"] for error in payload["errors"]]


def blog_post(cast: Cast, **owner: Any) -> BlogPost:
    """A blog post by the teacher; `owner` says whose blog (kind and group or school)."""
    return BlogPost.objects.create(
        author=user(cast, "teacher"), title="Utflykt", body="Vi åker.", **owner
    )


def seed_notices(work: Work) -> None:
    """Notices for every signed-in member, and one for Karin alone.

    Everyone gets one about Alva's plan and about posts in 3A, 3B and
    Ekskolan's school blog; each member reads only some of them
    (`VISIBLE_NOTICES` in tests/cast.py).
    """
    cast = work.cast
    everyone = signed_in(cast)
    teacher = user(cast, "teacher").pk
    plan = Change(
        NoticeKind.PLAN_CHANGED,
        "DevelopmentPlan",
        work.plan.pk,
        NOTICE_PLAN,
        pupil_id=cast.alva.pk,
    )
    notice_record(plan, actor_id=teacher, recipient_ids=everyone)
    for text, owner in (
        (NOTICE_3A, {"kind": BlogKind.GROUP, "group": cast.class_3a}),
        (NOTICE_3B, {"kind": BlogKind.GROUP, "group": cast.class_3b}),
        (NOTICE_EKSKOLAN, {"kind": BlogKind.SCHOOL, "school": cast.other_school}),
    ):
        found = blog_post(cast, **owner)
        change = Change(
            NoticeKind.BLOG_POST,
            "BlogPost",
            found.pk,
            text,
            group_id=found.group_id,
            school_id=found.school_id,
        )
        notice_record(change, actor_id=teacher, recipient_ids=everyone)
    entry = Change(
        NoticeKind.LOG_ENTRY,
        "LearningLogEntry",
        work.entry.pk,
        NOTICE_KARIN,
        pupil_id=cast.alva.pk,
    )
    notice_record(entry, actor_id=teacher, recipient_ids=[user(cast, "guardian").pk])
