"""Every mutation as every cast member: the allowed succeed, the rest change nothing.

A refused member gets NOT_AUTHENTICATED when signed out, NOT_ALLOWED when
they can read the object (a guardian moving a goal) and NOT_FOUND when
they cannot (it answers like a missing object); the database is compared
row by row before and after.

The low-assurance column: each allowed member signed in with a password.
A change to a pupil's page answers STRONG_AUTH_REQUIRED and changes
nothing where the organiser asks for strong login, and succeeds where it
relaxes it; blogs, documentation, settings and the terms take a password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from core.models import GoalStatus, Organisation, User
from core.services import goals, plans
from permissions.assurance import Assurance
from tests.cast import MEMBERS, POSTS, VISIBLE_PUPILS
from tests.graphql import run
from tests.workflows import Work, codes, snapshot

pytestmark = pytest.mark.django_db

ALVA_READERS = frozenset(m for m in MEMBERS if "Alva" in VISIBLE_PUPILS[m])
CLASS_READERS = frozenset(m for m, owners in POSTS.items() if "3A" in owners)
SCHOOL_READERS = frozenset(m for m, owners in POSTS.items() if "Björkskolan" in owners)
SIGNED_IN = frozenset(MEMBERS) - {"anonymous"}
STAFF = frozenset({"teacher", "mentor"})


def _agree(work: Work) -> None:
    mentor = work.cast["mentor"]
    assert isinstance(mentor, User)
    plans.development_plan_agree(actor=mentor, plan_id=work.plan.pk, version=1)


def _agree_and_finish(work: Work) -> None:
    _agree(work)
    teacher = work.cast["teacher"]
    assert isinstance(teacher, User)
    goals.goal_status_change(
        actor=teacher, goal_id=work.goal.pk, version=2, status=GoalStatus.DONE
    )


@dataclass(frozen=True)
class Case:
    """One mutation with one input, and who may run it."""

    name: str
    mutation: str
    result: str
    input: Callable[[Work], dict[str, Any]]
    allowed: frozenset[str]
    readers: frozenset[str] = ALVA_READERS
    prepare: Callable[[Work], None] = field(default=lambda _: None)
    selection: str = "id"

    def query(self) -> str:
        input_type = self.mutation[0].upper() + self.mutation[1:] + "Input"
        return (
            f"mutation($input: {input_type}!) {{ {self.mutation}(input: $input) "
            f"{{ {self.result} {{ {self.selection} }} errors {{ code message field }} }} }}"
        )

    def run(self, work: Work, member: str, assurance: Assurance | None = None) -> dict[str, Any]:
        """The mutation's payload, run as `member` (signed in at `assurance`, if given)."""
        data = run(
            work.cast[member], self.query(), {"input": self.input(work)}, assurance=assurance
        )
        payload: dict[str, Any] = data[self.mutation]
        return payload

    def expected_refusal(self, member: str) -> list[str]:
        if member == "anonymous":
            return ["NOT_AUTHENTICATED"]
        return ["NOT_ALLOWED" if member in self.readers else "NOT_FOUND"]


CASES = [
    Case(
        "plan start",
        "developmentPlanStart",
        "plan",
        lambda w: {
            "pupilId": w.gid(w.cast.alva, "Pupil"),
            "term": "VT2027",
            "templateId": w.gid(w.template),
        },
        STAFF,
    ),
    Case(
        "answer as pupil",
        "answerSave",
        "answer",
        lambda w: {
            "planId": w.gid(w.plan),
            "questionId": w.gid(w.pupil_question),
            "role": "PUPIL",
            "text": "Läsa",
            "version": 1,
        },
        frozenset({"pupil"}),
    ),
    Case(
        "answer as guardian",
        "answerSave",
        "answer",
        lambda w: {
            "planId": w.gid(w.plan),
            "questionId": w.gid(w.pupil_question),
            "role": "GUARDIAN",
            "text": "Hon läser",
        },
        frozenset({"guardian"}),
    ),
    Case(
        "answer as mentor",
        "answerSave",
        "answer",
        lambda w: {
            "planId": w.gid(w.plan),
            "questionId": w.gid(w.staff_question),
            "role": "MENTOR",
            "text": "Bra",
        },
        frozenset({"mentor"}),
    ),
    Case(
        "answer as teacher",
        "answerSave",
        "answer",
        lambda w: {
            "planId": w.gid(w.plan),
            "questionId": w.gid(w.staff_question),
            "role": "TEACHER",
            "text": "Bra",
        },
        STAFF,
    ),
    Case(
        "read confirm",
        "developmentPlanReadConfirm",
        "confirmation",
        lambda w: {"planId": w.gid(w.plan), "wishes": "Prata om läsning"},
        frozenset({"guardian"}),
    ),
    Case(
        "plan agree",
        "developmentPlanAgree",
        "plan",
        lambda w: {"planId": w.gid(w.plan), "version": 1},
        frozenset({"mentor"}),
    ),
    Case(
        "plan evaluate",
        "developmentPlanEvaluate",
        "plan",
        lambda w: {"planId": w.gid(w.plan), "version": 2, "evaluation": "Gick bra"},
        STAFF,
        prepare=_agree,
    ),
    Case(
        "goal propose",
        "goalPropose",
        "goal",
        lambda w: {
            "planId": w.gid(w.plan),
            "text": "Simma",
            "subjectIds": [w.gid(w.cast.swedish, "Subject")],
        },
        frozenset({"pupil", "guardian", "teacher", "mentor"}),
    ),
    Case(
        "goal update",
        "goalUpdate",
        "goal",
        lambda w: {"goalId": w.gid(w.goal), "version": 1, "text": "Läsa två böcker"},
        STAFF,
    ),
    Case(
        "goal cancel before the talk",
        "goalStatusChange",
        "goal",
        lambda w: {"goalId": w.gid(w.goal), "version": 1, "status": "CANCELLED"},
        STAFF,
    ),
    Case(
        "goal done",
        "goalStatusChange",
        "goal",
        lambda w: {"goalId": w.gid(w.goal), "version": 2, "status": "DONE"},
        frozenset({"pupil", "teacher", "mentor"}),
        prepare=_agree,
    ),
    Case(
        "goal achieved",
        "goalStatusChange",
        "goal",
        lambda w: {"goalId": w.gid(w.goal), "version": 3, "status": "ACHIEVED"},
        STAFF,
        prepare=_agree_and_finish,
    ),
    Case(
        "goal evaluate",
        "goalEvaluate",
        "goal",
        lambda w: {"goalId": w.gid(w.goal), "version": 1, "evaluation": "Nästan"},
        frozenset({"pupil", "teacher", "mentor"}),
    ),
    Case(
        "assessment edit in maths",
        "writtenAssessmentSave",
        "assessment",
        lambda w: {
            "pupilId": w.gid(w.cast.alva, "Pupil"),
            "subjectId": w.gid(w.cast.maths),
            "term": "HT2026",
            "text": "Mycket bra",
            "prognosis": "ON_TRACK",
            "version": 1,
        },
        frozenset({"teacher"}),
    ),
    Case(
        "assessment new in Swedish",
        "writtenAssessmentSave",
        "assessment",
        lambda w: {
            "pupilId": w.gid(w.cast.alva, "Pupil"),
            "subjectId": w.gid(w.cast.swedish),
            "term": "HT2026",
            "text": "Läser väl",
            "prognosis": "AT_RISK",
            "publish": True,
        },
        frozenset({"mentor"}),
    ),
    Case(
        "assessment publish",
        "writtenAssessmentPublish",
        "assessment",
        lambda w: {"assessmentId": w.gid(w.draft), "version": 1},
        frozenset({"teacher"}),
        readers=STAFF,
    ),
    Case(
        "log entry",
        "learningLogEntryCreate",
        "entry",
        lambda w: {
            "pupilId": w.gid(w.cast.alva, "Pupil"),
            "text": "Idag läste jag",
            "goalIds": [w.gid(w.goal)],
        },
        frozenset({"pupil", "teacher", "mentor"}),
    ),
    Case(
        "log entry edit",
        "learningLogEntryUpdate",
        "entry",
        lambda w: {"entryId": w.gid(w.entry), "version": 1, "text": "Bråk och decimaler"},
        frozenset({"teacher"}),
    ),
    Case(
        "log comment",
        "learningLogCommentCreate",
        "comment",
        lambda w: {"entryId": w.gid(w.entry), "text": "Snyggt!"},
        ALVA_READERS,
    ),
    Case(
        "class blog post",
        "blogPostCreate",
        "post",
        lambda w: {
            "kind": "GROUP",
            "ownerId": w.gid(w.cast.class_3a, "Group"),
            "title": "Utflykt",
            "body": "Vi åkte till skogen.",
        },
        STAFF,
        readers=CLASS_READERS,
    ),
    Case(
        "documentation post",
        "blogPostCreate",
        "post",
        lambda w: {
            "kind": "DOCUMENTATION",
            "ownerId": w.gid(w.cast.class_3a, "Group"),
            "title": "Lek",
            "body": "Vi byggde.",
        },
        STAFF,
        readers=CLASS_READERS,
    ),
    Case(
        "school blog post",
        "blogPostCreate",
        "post",
        lambda w: {
            "kind": "SCHOOL",
            "ownerId": w.gid(w.cast.school, "School"),
            "title": "Skolavslutning",
            "body": "Välkomna.",
        },
        frozenset({"teacher", "mentor", "other_teacher", "principal", "school_admin"}),
        readers=SCHOOL_READERS,
    ),
    Case(
        "private blog post",
        "blogPostCreate",
        "post",
        lambda w: {
            "kind": "PRIVATE",
            "ownerId": w.gid(w.cast.alva, "Pupil"),
            "title": "Min dag",
            "body": "Jag ritade.",
        },
        frozenset({"pupil"}),
    ),
    Case(
        "settings",
        "settingsUpdate",
        "settings",
        lambda _: {"emailSystem": True, "description": "Hej"},
        SIGNED_IN,
        readers=SIGNED_IN,
        selection="emailSystem",
    ),
    Case(
        "photo removed",
        "settingsPhotoSet",
        "settings",
        lambda _: {"photo": None},
        SIGNED_IN,
        readers=SIGNED_IN,
        selection="emailSystem",
    ),
    Case(
        "terms",
        "termsAccept",
        "settings",
        lambda _: {"version": "2026-08"},
        SIGNED_IN,
        readers=SIGNED_IN,
        selection="emailSystem",
    ),
]
ALLOWED = [(case, m) for case in CASES for m in MEMBERS if m in case.allowed]
REFUSED = [(case, m) for case in CASES for m in MEMBERS if m not in case.allowed]


def _id(value: object) -> str:
    return value.name if isinstance(value, Case) else str(value)


@pytest.mark.parametrize(("case", "member"), ALLOWED, ids=_id)
def test_allowed_members_succeed(work, case, member):
    # given
    case.prepare(work)
    before = snapshot()

    # when
    payload = case.run(work, member)

    # then
    assert (payload["errors"], payload[case.result] is not None) == ([], True)
    assert snapshot() != before


@pytest.mark.parametrize(("case", "member"), REFUSED, ids=_id)
def test_everyone_else_is_refused_and_nothing_changes(work, case, member):
    # given
    case.prepare(work)
    before = snapshot()

    # when
    payload = case.run(work, member)

    # then
    assert (codes(payload), payload[case.result]) == (case.expected_refusal(member), None)
    assert snapshot() == before


# The mutations that take a password: none of them changes a pupil's page.
OPEN_TO_PASSWORDS = frozenset(
    {
        "class blog post",
        "documentation post",
        "school blog post",
        "settings",
        "photo removed",
        "terms",
    }
)


def test_every_case_is_either_a_page_change_or_open_to_passwords():
    # when
    names = {case.name for case in CASES}

    # then
    assert names >= OPEN_TO_PASSWORDS
    assert "private blog post" in names - OPEN_TO_PASSWORDS


@pytest.mark.parametrize(("case", "member"), ALLOWED, ids=_id)
def test_a_password_changes_no_page_where_strong_login_is_required(work, case, member):
    # given
    case.prepare(work)
    before = snapshot()

    # when
    payload = case.run(work, member, Assurance.LOW)

    # then
    if case.name in OPEN_TO_PASSWORDS:
        assert (payload["errors"], payload[case.result] is not None) == ([], True)
        assert snapshot() != before
    else:
        assert (codes(payload), payload[case.result]) == (["STRONG_AUTH_REQUIRED"], None)
        assert snapshot() == before


@pytest.mark.parametrize(("case", "member"), ALLOWED, ids=_id)
def test_a_password_changes_a_page_where_the_organiser_relaxes_strong_login(work, case, member):
    # given
    Organisation.objects.update(strong_login_required=False)
    case.prepare(work)
    before = snapshot()

    # when
    payload = case.run(work, member, Assurance.LOW)

    # then
    assert (payload["errors"], payload[case.result] is not None) == ([], True)
    assert snapshot() != before


def test_the_refusal_says_where_to_step_up(work):
    # when
    payload = run(
        work.cast["guardian"],
        "mutation($i: DevelopmentPlanReadConfirmInput!) { developmentPlanReadConfirm(input: $i)"
        " { errors { code message stepUp } } }",
        {"i": {"planId": work.gid(work.plan, "DevelopmentPlan")}},
        assurance=Assurance.LOW,
    )

    # then
    assert payload["developmentPlanReadConfirm"]["errors"] == [
        {
            "code": "STRONG_AUTH_REQUIRED",
            "message": "Sign in with e-legitimation (for example BankID) to read or change a "
            "pupil's page; a password is not enough.",
            "stepUp": "/login/?strong=1",
        }
    ]
