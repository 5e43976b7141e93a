"""Notices: who is told of a change, folding per item, rollbacks, losing access.

A change is recorded after its transaction commits (the hooks run inside
`django_capture_on_commit_callbacks`), for the page's audience (the pupil,
guardians with rights, the staff of the pupil's groups and the pupil's
mentors) or a blog's, never for the actor. Further changes to an item fold
into the recipient's unread notice of it; reading it lets the next change
start a new one. Every read is re-authorized.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from core.models import (
    BlogKind,
    DevelopmentPlan,
    Goal,
    GoalStatus,
    Notice,
    NoticeCategory,
    NoticeKind,
    Prognosis,
    QuestionRole,
    User,
)
from core.selectors.notices import notices_of, unread_count
from core.services import assessments, blogs, goals, learning, notices, plans
from core.services.errors import Conflict, NotAllowed, NotFound
from tests.cast import Cast, end_guardianship, fresh, user
from tests.factories import GuardianshipFactory, PersonFactory, PupilMentorFactory, user_for
from tests.workflows import Work

pytestmark = pytest.mark.django_db

PLAN_ANSWER = "Nytt svar i utvecklingsplanen HT2026"
PLAN_GOAL = "Nytt målförslag i utvecklingsplanen HT2026"
GOAL_CANCELLED = "Ett mål är nu avbrutet"
PLAN_AGREED = "Utvecklingsplanen HT2026 är överenskommen"


def names(cast: Cast, extra: dict[str, User] | None = None) -> dict[int, str]:
    cast_users = {u.pk: m for m, u in cast.users.items() if isinstance(u, User)}
    return cast_users | {u.pk: name for name, u in (extra or {}).items()}


def recipients(cast: Cast, extra: dict[str, User] | None = None, **filters: Any) -> list[str]:
    """Who holds the notices matching `filters`, one name per row, sorted."""
    who = names(cast, extra)
    rows = Notice.objects.filter(**filters).values_list("recipient_id", flat=True)
    return sorted(who[pk] for pk in rows)


def rows(*fields: str) -> set[tuple[Any, ...]]:
    """The distinct values of `fields` over all notices."""
    return set(Notice.objects.values_list(*fields))


def summary(cast: Cast) -> dict[str, list[tuple[Any, ...]]]:
    """Each recipient's notices as (kind, text, changes, actor, read) rows."""
    who = names(cast)
    found: dict[str, list[tuple[Any, ...]]] = {}
    rows = Notice.objects.order_by("pk").values_list(
        "recipient_id", "kind", "text", "changes", "actor_id", "read_at"
    )
    for recipient, kind, text, changes, actor, read_at in rows:
        found.setdefault(who[recipient], []).append(
            (kind, text, changes, who[actor], read_at is not None)
        )
    return found


def answer(work: Work, version: int, text: str = "Rita och läsa") -> None:
    plans.answer_save(
        actor=user(work.cast, "pupil"),
        plan_id=work.plan.pk,
        question_id=work.pupil_question.pk,
        role=QuestionRole.PUPIL,
        text_=text,
        version=version,
    )


# Who is told of an answer


def test_an_answer_by_the_pupil_tells_her_guardian_and_the_staff_of_her_class(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast

    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)

    # then
    assert recipients(cast) == ["guardian", "mentor", "teacher"]
    assert rows(
        "kind",
        "category",
        "text",
        "target_type",
        "target_id",
        "pupil_id",
        "group_id",
        "school_id",
        "actor_id",
        "changes",
        "read_at",
    ) == {
        (
            NoticeKind.PLAN_CHANGED,
            NoticeCategory.IMPORTANT,
            PLAN_ANSWER,
            "DevelopmentPlan",
            work.plan.pk,
            cast.alva.pk,
            None,
            None,
            user(cast, "pupil").pk,
            1,
            None,
        )
    }


def test_the_page_audience_leaves_out_readers_who_are_not_told(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast

    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)

    # then
    told = set(recipients(cast))
    untold = {
        "pupil",
        "principal",
        "school_admin",
        "student_health",
        "shared",
        "analytics",
        "other_teacher",
        "other_principal",
        "stranger",
    }
    assert told & untold == set()


def test_a_mentor_of_the_pupil_alone_is_told_too(work, django_capture_on_commit_callbacks):
    # given
    cast = work.cast
    own_mentor = user_for(PersonFactory(given_name="Maj"))
    PupilMentorFactory(pupil=cast.alva, staff=own_mentor.person)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)

    # then
    expected = ["guardian", "mentor", "own_mentor", "teacher"]
    assert recipients(cast, {"own_mentor": own_mentor}) == expected


def test_the_actor_is_never_told_of_their_own_change(work, django_capture_on_commit_callbacks):
    # given
    karin = user(work.cast, "guardian")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        plans.answer_save(
            actor=karin,
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.GUARDIAN,
            text_="Hon ritar",
            version=None,
        )

    # then
    assert recipients(work.cast) == ["mentor", "pupil", "teacher"]


# Folding


def test_further_changes_fold_into_each_recipients_unread_notice(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)
    first = dict(Notice.objects.values_list("recipient_id", "updated_at"))
    created = dict(Notice.objects.values_list("recipient_id", "created_at"))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=2, text="Rita, läsa och simma")
    with django_capture_on_commit_callbacks(execute=True):
        goals.goal_propose(actor=user(cast, "pupil"), plan_id=work.plan.pk, text_="Simma")
    with django_capture_on_commit_callbacks(execute=True):
        goals.goal_status_change(
            actor=user(cast, "mentor"),
            goal_id=work.goal.pk,
            version=1,
            status=GoalStatus.CANCELLED,
        )

    # then
    assert summary(cast) == {
        "guardian": [(NoticeKind.GOAL_MOVED, GOAL_CANCELLED, 4, "mentor", False)],
        "teacher": [(NoticeKind.GOAL_MOVED, GOAL_CANCELLED, 4, "mentor", False)],
        # The mentor's own move is not a change for the mentor.
        "mentor": [(NoticeKind.PLAN_CHANGED, PLAN_GOAL, 3, "pupil", False)],
        "pupil": [(NoticeKind.GOAL_MOVED, GOAL_CANCELLED, 1, "mentor", False)],
    }
    folded = Notice.objects.filter(recipient_id__in=first)
    assert all(n.updated_at > first[n.recipient_id] for n in folded)
    assert dict(folded.values_list("recipient_id", "created_at")) == created


def test_after_reading_the_next_change_starts_a_new_notice(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast
    karin = user(cast, "guardian")
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)
    with django_capture_on_commit_callbacks(execute=True):
        goals.goal_propose(actor=user(cast, "pupil"), plan_id=work.plan.pk, text_="Simma")
    read = Notice.objects.get(recipient=karin)
    with django_capture_on_commit_callbacks(execute=True):
        notices.notice_mark_read(actor=karin, notice_id=read.pk)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=2, text="Rita, läsa och simma")

    # then
    assert summary(cast) == {
        "guardian": [
            (NoticeKind.PLAN_CHANGED, PLAN_GOAL, 2, "pupil", True),
            (NoticeKind.PLAN_CHANGED, PLAN_ANSWER, 1, "pupil", False),
        ],
        "teacher": [(NoticeKind.PLAN_CHANGED, PLAN_ANSWER, 3, "pupil", False)],
        "mentor": [(NoticeKind.PLAN_CHANGED, PLAN_ANSWER, 3, "pupil", False)],
    }
    assert unread_count(fresh(cast, "guardian")) == 1


def test_agreeing_the_plan_folds_into_the_unread_notice(work, django_capture_on_commit_callbacks):
    # given
    cast = work.cast
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)
    version = DevelopmentPlan.objects.get(pk=work.plan.pk).version

    # when
    with django_capture_on_commit_callbacks(execute=True):
        plans.development_plan_agree(
            actor=user(cast, "mentor"), plan_id=work.plan.pk, version=version
        )

    # then
    assert summary(cast) == {
        "guardian": [(NoticeKind.PLAN_AGREED, PLAN_AGREED, 2, "mentor", False)],
        "teacher": [(NoticeKind.PLAN_AGREED, PLAN_AGREED, 2, "mentor", False)],
        "mentor": [(NoticeKind.PLAN_CHANGED, PLAN_ANSWER, 1, "pupil", False)],
        "pupil": [(NoticeKind.PLAN_AGREED, PLAN_AGREED, 1, "mentor", False)],
    }


# Nothing is told of a change that did not happen


def test_a_refused_change_tells_nobody(work, django_capture_on_commit_callbacks):
    # given
    karin = user(work.cast, "guardian")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(NotAllowed):
        plans.answer_save(
            actor=karin,
            plan_id=work.plan.pk,
            question_id=work.pupil_question.pk,
            role=QuestionRole.PUPIL,
            text_="Jag svarar åt henne",
            version=1,
        )

    # then
    assert callbacks == []
    assert Notice.objects.count() == 0


def test_a_stale_change_tells_nobody(work, django_capture_on_commit_callbacks):
    # given
    mentor = user(work.cast, "mentor")

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Conflict):
        goals.goal_status_change(
            actor=mentor, goal_id=work.goal.pk, version=7, status=GoalStatus.CANCELLED
        )

    # then
    assert callbacks == []
    assert Notice.objects.count() == 0


def test_a_change_rolled_back_after_the_service_call_tells_nobody(
    work, django_capture_on_commit_callbacks
):
    # given
    pupil = user(work.cast, "pupil")

    def propose_then_fail() -> None:
        with transaction.atomic():
            goals.goal_propose(actor=pupil, plan_id=work.plan.pk, text_="Simma")
            raise RuntimeError

    # when
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        propose_then_fail()

    # then
    assert callbacks == []
    assert Notice.objects.count() == 0
    assert Goal.objects.filter(plan=work.plan).count() == 1


# Assessments


def test_saving_an_assessment_draft_tells_nobody(work, django_capture_on_commit_callbacks):
    # given
    teacher = user(work.cast, "teacher")

    # when
    with django_capture_on_commit_callbacks(execute=True):
        assessments.written_assessment_save(
            actor=teacher,
            pupil_id=work.cast.alva.pk,
            subject_id=work.cast.maths.pk,
            term="HT2026",
            text_="Mycket bra",
            prognosis=Prognosis.ON_TRACK,
            version=1,
        )

    # then
    assert Notice.objects.count() == 0


def test_publishing_an_assessment_tells_the_page_except_its_teacher(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast

    # when
    with django_capture_on_commit_callbacks(execute=True):
        assessments.written_assessment_publish(
            actor=user(cast, "teacher"), assessment_id=work.draft.pk, version=1
        )

    # then
    assert recipients(cast) == ["guardian", "mentor", "pupil"]
    assert rows("kind", "text", "target_type", "target_id") == {
        (
            NoticeKind.ASSESSMENT_PUBLISHED,
            "Nytt skriftligt omdöme i Matematik HT2026",
            "WrittenAssessment",
            work.draft.pk,
        )
    }


def test_a_new_published_assessment_tells_the_page_at_once(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast

    # when
    with django_capture_on_commit_callbacks(execute=True):
        made = assessments.written_assessment_save(
            actor=user(cast, "mentor"),
            pupil_id=cast.alva.pk,
            subject_id=cast.swedish.pk,
            term="HT2026",
            text_="Läser gärna",
            prognosis=Prognosis.ON_TRACK,
            version=None,
            publish=True,
        )

    # then
    assert recipients(cast, target_id=made.pk) == ["guardian", "pupil", "teacher"]


# The learning log


def test_a_log_entry_tells_the_page(work, django_capture_on_commit_callbacks):
    # given
    cast = work.cast

    # when
    with django_capture_on_commit_callbacks(execute=True):
        entry = learning.learning_log_entry_create(
            actor=user(cast, "pupil"), pupil_id=cast.alva.pk, text_="Jag läste en bok"
        )

    # then
    assert recipients(cast) == ["guardian", "mentor", "teacher"]
    assert rows("kind", "text", "target_type", "target_id") == {
        (NoticeKind.LOG_ENTRY, "Nytt inlägg i lärloggen", "LearningLogEntry", entry.pk)
    }


def test_a_comment_by_the_guardian_tells_the_page_but_her(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast

    # when
    with django_capture_on_commit_callbacks(execute=True):
        learning.learning_log_comment_create(
            actor=user(cast, "guardian"), entry_id=work.entry.pk, text_="Snyggt!"
        )

    # then
    assert recipients(cast) == ["mentor", "pupil", "teacher"]
    assert rows("kind", "target_type", "target_id", "changes") == {
        (NoticeKind.LOG_COMMENT, "LearningLogEntry", work.entry.pk, 1)
    }


def test_comments_fold_into_the_entrys_notice(work, django_capture_on_commit_callbacks):
    # given
    cast = work.cast
    with django_capture_on_commit_callbacks(execute=True):
        entry = learning.learning_log_entry_create(
            actor=user(cast, "pupil"), pupil_id=cast.alva.pk, text_="Jag läste en bok"
        )

    # when
    with django_capture_on_commit_callbacks(execute=True):
        learning.learning_log_comment_create(
            actor=user(cast, "guardian"), entry_id=entry.pk, text_="Vilken bok?"
        )
    with django_capture_on_commit_callbacks(execute=True):
        learning.learning_log_comment_create(
            actor=user(cast, "teacher"), entry_id=entry.pk, text_="Bra jobbat"
        )

    # then
    comment = "Ny kommentar i lärloggen"
    assert summary(cast) == {
        "guardian": [(NoticeKind.LOG_COMMENT, comment, 2, "teacher", False)],
        "teacher": [(NoticeKind.LOG_COMMENT, comment, 2, "guardian", False)],
        "mentor": [(NoticeKind.LOG_COMMENT, comment, 3, "teacher", False)],
        "pupil": [(NoticeKind.LOG_COMMENT, comment, 2, "teacher", False)],
    }


# Blogs


def families(cast: Cast) -> dict[str, User]:
    """Logins for Alva's classmate Elis, for Nora in 3B and her guardian, and Omar."""
    nora_guardian = PersonFactory(given_name="Nils")
    GuardianshipFactory(pupil=cast.nora, guardian=nora_guardian)
    return {
        "elis": user_for(cast.elis.person),
        "nora": user_for(cast.nora.person),
        "nora_guardian": user_for(nora_guardian),
        "omar": user_for(cast.omar.person),
    }


def post(cast: Cast, member: str, kind: BlogKind, owner_id: int) -> None:
    blogs.blog_post_create(
        actor=user(cast, member), kind=kind, owner_id=owner_id, title="Utflykt", body="Vi åker."
    )


def test_a_class_post_tells_the_class_families_and_staff(cast, django_capture_on_commit_callbacks):
    # given
    extra = families(cast)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        post(cast, "teacher", BlogKind.GROUP, cast.class_3a.pk)

    # then
    assert recipients(cast, extra) == ["elis", "guardian", "mentor", "pupil"]
    assert rows("kind", "category", "text", "pupil_id", "group_id", "school_id") == {
        (
            NoticeKind.BLOG_POST,
            NoticeCategory.MESSAGES,
            "Nytt inlägg: Utflykt",
            None,
            cast.class_3a.pk,
            None,
        )
    }


def test_a_documentation_post_tells_the_class_too(cast, django_capture_on_commit_callbacks):
    # given
    extra = families(cast)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        post(cast, "mentor", BlogKind.DOCUMENTATION, cast.class_3a.pk)

    # then
    assert recipients(cast, extra) == ["elis", "guardian", "pupil", "teacher"]


def test_a_school_post_tells_the_families_and_staff_of_every_class(
    cast, django_capture_on_commit_callbacks
):
    # given
    extra = families(cast)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        post(cast, "principal", BlogKind.SCHOOL, cast.school.pk)

    # then
    assert recipients(cast, extra) == [
        "elis",
        "guardian",
        "mentor",
        "nora",
        "nora_guardian",
        "other_teacher",
        "pupil",
        "teacher",
    ]
    assert rows("group_id", "school_id") == {(None, cast.school.pk)}


def test_a_private_post_tells_nobody(cast, django_capture_on_commit_callbacks):
    # given
    families(cast)

    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        post(cast, "pupil", BlogKind.PRIVATE, cast.alva.pk)

    # then
    assert callbacks == []
    assert Notice.objects.count() == 0


# Waking the recipients' sockets


def test_recipients_sockets_are_woken_after_commit(
    work, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    cast = work.cast
    calls: list[tuple[set[int], int | None]] = []
    monkeypatch.setattr(
        notices, "notices_changed", lambda ids, notice=None: calls.append((set(ids), notice))
    )

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answer(work, version=1)
    before_commit = list(calls)
    for callback in callbacks:
        callback()

    # then
    assert before_commit == []
    assert calls == [({user(cast, m).pk for m in ("guardian", "teacher", "mentor")}, None)]


def test_marking_read_wakes_the_readers_sockets(
    work, django_capture_on_commit_callbacks, monkeypatch
):
    # given
    cast = work.cast
    karin = user(cast, "guardian")
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)
    with django_capture_on_commit_callbacks(execute=True):
        learning.learning_log_comment_create(
            actor=user(cast, "teacher"), entry_id=work.entry.pk, text_="Bra"
        )
    one, _ = notices_of(karin)
    calls: list[tuple[set[int], int | None]] = []
    monkeypatch.setattr(
        notices, "notices_changed", lambda ids, notice=None: calls.append((set(ids), notice))
    )

    # when
    with django_capture_on_commit_callbacks(execute=True):
        notices.notice_mark_read(actor=karin, notice_id=one.pk)
    with django_capture_on_commit_callbacks(execute=True):
        count = notices.notices_mark_all_read(actor=karin)
    with django_capture_on_commit_callbacks(execute=True):
        none_left = notices.notices_mark_all_read(actor=karin)

    # then
    assert (count, none_left) == (1, 0)
    assert calls == [({karin.pk}, one.pk), ({karin.pk}, None)]


def test_nobody_to_tell_wakes_nobody(cast, django_capture_on_commit_callbacks, monkeypatch):
    # given
    calls: list[object] = []
    monkeypatch.setattr(notices, "notices_changed", lambda *args: calls.append(args))
    change = notices.Change(NoticeKind.LOG_ENTRY, "LearningLogEntry", 1, "x", pupil_id=1)

    # when
    notices.notice_record(change, actor_id=None, recipient_ids=[])

    # then
    assert calls == []
    assert Notice.objects.count() == 0


# Losing access


def test_a_guardian_who_lost_her_rights_no_longer_sees_her_notice(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)
    assert unread_count(fresh(cast, "guardian")) == 1

    # when
    end_guardianship(cast)

    # then
    karin = fresh(cast, "guardian")
    assert unread_count(karin) == 0
    assert list(notices_of(karin)) == []
    assert Notice.objects.filter(recipient=karin).count() == 1  # kept, but not shown


def test_a_guardian_who_lost_her_rights_is_not_told_of_later_changes(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast
    end_guardianship(cast)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)

    # then
    assert recipients(cast) == ["mentor", "teacher"]


def test_marking_read_a_notice_no_longer_readable_is_not_found(
    work, django_capture_on_commit_callbacks
):
    # given
    cast = work.cast
    with django_capture_on_commit_callbacks(execute=True):
        answer(work, version=1)
    notice = Notice.objects.get(recipient=user(cast, "guardian"))
    end_guardianship(cast)

    # when
    karin = fresh(cast, "guardian")
    with pytest.raises(NotFound):
        notices.notice_mark_read(actor=karin, notice_id=notice.pk)
    count = notices.notices_mark_all_read(actor=karin)

    # then
    assert count == 0
    assert Notice.objects.get(pk=notice.pk).read_at is None
