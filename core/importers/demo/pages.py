"""Synthetic page content: plans, answers, goals, assessments, logs and blog posts.

Used by `demo_data` so the demo has something to read, and by tests and
benchmarks that need classes with full pages. Deterministic for a seed;
rows are written in bulk, so a class of 300 fills in well under a second.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.models import (
    Answer,
    BlogKind,
    BlogPost,
    DevelopmentPlan,
    Goal,
    GoalStatus,
    GoalStatusChange,
    Group,
    GroupMembership,
    LearningLogComment,
    LearningLogEntry,
    PlanTemplate,
    PreparationQuestion,
    Prognosis,
    Pupil,
    SchoolForm,
    Subject,
    User,
    WrittenAssessment,
    active_on,
)

GOALS = (
    ("Läsa en kapitelbok på egen hand", "Läsa tjugo minuter varje dag", GoalStatus.IN_PROGRESS),
    ("Räkna säkert med tiotalsövergångar", "Träna med matteappen", GoalStatus.NEW),
    ("Räcka upp handen och vänta på min tur", "Påminnelse på bänken", GoalStatus.DONE),
)
LADDER = (GoalStatus.NEW, GoalStatus.IN_PROGRESS, GoalStatus.DONE)


@dataclass
class Filled:
    """What `fill_pages` wrote."""

    plans: int = 0
    answers: int = 0
    goals: int = 0
    assessments: int = 0
    log_entries: int = 0
    posts: int = 0


def fill_pages(
    group: Group, *, term: str, author: User, subjects: list[Subject], seed: int = 0
) -> Filled:
    """Fill the pages of every pupil in `group`, all written by `author`.

    Each pupil gets a plan for `term` with answers and goals, assessments in
    `subjects` and a learning log; the group gets two blog posts.
    """
    rng = random.Random(f"{seed}:{group.pk}:{term}")  # noqa: S311 - synthetic data
    form = SchoolForm.PRESCHOOL if group.school_year is None else SchoolForm.COMPULSORY
    template = (
        PlanTemplate.objects.filter(school_form=form, is_active=True).order_by("-version").first()
    )
    members = GroupMembership.objects.filter(active_on(timezone.localdate()), group_id=group.pk)
    pupils = list(Pupil.objects.filter(pk__in=members.values("pupil_id")).order_by("pk"))
    done = Filled()
    with transaction.atomic():
        if template is not None:
            _plans(pupils, template, term, author, rng, done)
        _assessments(pupils, subjects, term, author, done)
        _logs(pupils, author, done)
        BlogPost.objects.bulk_create(
            BlogPost(kind=BlogKind.GROUP, group=group, author=author, title=title, body=body)
            for title, body in (
                ("Utflykt till skogen", "Vi letade svamp och räknade kottar."),
                ("Veckans ord", "Den här veckan har vi arbetat med ordet 'tillsammans'."),
            )
        )
        done.posts += 2
    return done


def _plans(  # noqa: PLR0917 - one private step of fill_pages
    pupils: list[Pupil],
    template: PlanTemplate,
    term: str,
    author: User,
    rng: random.Random,
    done: Filled,
) -> None:
    plans = DevelopmentPlan.objects.bulk_create(
        DevelopmentPlan(
            pupil=p, term=term, template=template, started_by=author, changed_by=author
        )
        for p in pupils
    )
    questions = list(PreparationQuestion.objects.filter(section__template=template))
    answers = [
        Answer(plan=plan, question=q, role=role, text=f"Svar från {role}.", author=author)
        for plan in plans
        for q in questions
        for role in q.roles
        if rng.random() < 0.7  # noqa: PLR2004
    ]
    Answer.objects.bulk_create(answers)
    goals = Goal.objects.bulk_create(
        Goal(plan=plan, text=text, activities=activities, status=status, proposed_by=author)
        for plan in plans
        for text, activities, status in GOALS
    )
    GoalStatusChange.objects.bulk_create(
        GoalStatusChange(goal=goal, from_status=a, to_status=b, changed_by=author)
        for goal in goals
        for a, b in itertools.pairwise(LADDER)
        if LADDER.index(b) <= LADDER.index(GoalStatus(goal.status))
    )
    done.plans += len(plans)
    done.answers += len(answers)
    done.goals += len(goals)


def _assessments(
    pupils: list[Pupil], subjects: list[Subject], term: str, author: User, done: Filled
) -> None:
    now = timezone.now()
    rows = WrittenAssessment.objects.bulk_create(
        WrittenAssessment(
            pupil=pupil,
            subject=subject,
            term=term,
            text=f"{subject.name}: arbetar väl och visar goda kunskaper.",
            prognosis=Prognosis.AT_RISK if (n + s) % 5 == 0 else Prognosis.ON_TRACK,
            published_at=now if s % 2 == 0 else None,
            author=author,
        )
        for n, pupil in enumerate(pupils)
        for s, subject in enumerate(subjects)
    )
    done.assessments += len(rows)


def _logs(pupils: list[Pupil], author: User, done: Filled) -> None:
    entries = LearningLogEntry.objects.bulk_create(
        LearningLogEntry(pupil=pupil, author=author, text=text)
        for pupil in pupils
        for text in ("Idag lärde jag mig om bråk.", "Vi skrev en saga i grupp.")
    )
    LearningLogComment.objects.bulk_create(
        LearningLogComment(entry=entry, author=author, text="Bra jobbat!")
        for entry in entries[1::2]
    )
    done.log_entries += len(entries)
