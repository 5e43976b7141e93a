"""The cast's pages: one of every readable thing, each labelled by whose it is."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone
from strawberry.relay import to_base64

from core.models import (
    Answer,
    AssessmentMatrix,
    BlogImage,
    BlogKind,
    BlogPost,
    DevelopmentPlan,
    Goal,
    GoalStatusChange,
    GroupKind,
    LearningLogComment,
    LearningLogEntry,
    LearningLogImage,
    MatrixCriterion,
    MatrixMark,
    PlanSection,
    PlanTemplate,
    PreparationQuestion,
    Prognosis,
    SchoolForm,
    TeachingPlan,
    User,
    WrittenAssessment,
)
from tests.cast import Cast
from tests.factories import GroupFactory


@dataclass
class Pages:
    """Global id -> label ("plan:Alva", "post:3A", ...) of every object made."""

    labels: dict[str, str]

    def ids(self, prefix: str) -> list[str]:
        return [gid for gid, label in self.labels.items() if label.startswith(prefix + ":")]


def _add(labels: dict[str, str], type_name: str, obj: object, label: str) -> None:
    labels[to_base64(type_name, obj.pk)] = label  # type: ignore[attr-defined]


@pytest.fixture
def pages(cast: Cast) -> Pages:
    """One of everything, labelled.

    Alva, Elis and Nora each get a plan, goal, answer, assessments (published
    and draft), log entry and comment; there are class, documentation, school
    and private posts, and a teaching plan for 3A with a matrix and marks.
    """
    teacher = cast["teacher"]
    assert isinstance(teacher, User)
    template = PlanTemplate.objects.create(name="IUP", school_form=SchoolForm.COMPULSORY)
    section = PlanSection.objects.create(template=template, order=1, title="Om mig")
    question = PreparationQuestion.objects.create(
        section=section, order=1, text="Vad gillar du?", roles=["pupil", "guardian"]
    )
    labels: dict[str, str] = {}
    for pupil in (cast.alva, cast.elis, cast.nora):
        first = pupil.person.given_name
        plan = DevelopmentPlan.objects.create(
            pupil=pupil, term="HT2026", template=template, started_by=teacher, changed_by=teacher
        )
        _add(labels, "DevelopmentPlan", plan, f"plan:{first}")
        answer = Answer.objects.create(
            plan=plan, question=question, role="pupil", text="Rita", author=teacher
        )
        _add(labels, "Answer", answer, f"answer:{first}")
        goal = Goal.objects.create(plan=plan, text="Läsa mer", proposed_by=teacher)
        _add(labels, "Goal", goal, f"goal:{first}")
        step = GoalStatusChange.objects.create(
            goal=goal, from_status="new", to_status="in_progress", changed_by=teacher
        )
        _add(labels, "GoalStatusChange", step, f"history:{first}")
        for subject, published in ((cast.maths, timezone.now()), (cast.swedish, None)):
            assessment = WrittenAssessment.objects.create(
                pupil=pupil,
                subject=subject,
                term="HT2026",
                prognosis=Prognosis.ON_TRACK,
                published_at=published,
                author=teacher,
            )
            kind = "published" if published else "draft"
            _add(labels, "WrittenAssessment", assessment, f"{kind}:{first}")
        entry = LearningLogEntry.objects.create(pupil=pupil, author=teacher, text="Bråk")
        _add(labels, "LearningLogEntry", entry, f"log:{first}")
        comment = LearningLogComment.objects.create(entry=entry, author=teacher, text="Bra!")
        _add(labels, "LearningLogComment", comment, f"comment:{first}")
        picture = LearningLogImage.objects.create(entry=entry, image="a.png", width=1, height=1)
        _add(labels, "LearningLogImage", picture, f"logimage:{first}")
    department = GroupFactory(school=cast.school, name="Humlan", kind=GroupKind.DEPARTMENT)
    for kind, owner, label in (
        (BlogKind.GROUP, {"group": cast.class_3a}, "post:3A"),
        (BlogKind.GROUP, {"group": cast.class_3b}, "post:3B"),
        (BlogKind.DOCUMENTATION, {"group": department}, "post:Humlan"),
        (BlogKind.SCHOOL, {"school": cast.school}, "post:Björkskolan"),
        (BlogKind.SCHOOL, {"school": cast.other_school}, "post:Ekskolan"),
        (BlogKind.PRIVATE, {"pupil": cast.alva}, "post:Alva"),
    ):
        post = BlogPost.objects.create(kind=kind, author=teacher, title=label, body="-", **owner)
        _add(labels, "BlogPost", post, label)
        photo = BlogImage.objects.create(post=post, image="b.png", width=1, height=1)
        _add(labels, "BlogImage", photo, label.replace("post:", "photo:"))
    lpp = TeachingPlan.objects.create(
        group=cast.class_3a, subject=cast.maths, title="Bråk", content="-", author=teacher
    )
    _add(labels, "TeachingPlan", lpp, "lpp:3A")
    matrix = AssessmentMatrix.objects.create(
        teaching_plan=lpp, subject=cast.maths, title="Bråk", levels=["E", "C", "A"]
    )
    _add(labels, "AssessmentMatrix", matrix, "matrix:3A")
    criterion = MatrixCriterion.objects.create(
        matrix=matrix, order=1, text="Jämföra bråk", level_descriptions=["a", "b", "c"]
    )
    _add(labels, "MatrixCriterion", criterion, "criterion:3A")
    for pupil in (cast.alva, cast.elis):
        mark = MatrixMark.objects.create(
            criterion=criterion, pupil=pupil, level=1, marked_by=teacher
        )
        _add(labels, "MatrixMark", mark, f"mark:{pupil.person.given_name}")
    return Pages(labels)
