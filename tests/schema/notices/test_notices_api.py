"""Notices over GraphQL: one's own and readable only, what they are about, marking read.

Every cast member reads exactly their own notices about things they may
still read, through `notices`, `me { unreadNoticeCount }` and `node`;
`subject` resolves the item only while it is readable; marking read
touches only the viewer's own notices; an actor with protected identity
is named to staff and shown by alias to other families.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from strawberry.relay import to_base64

from core.models import (
    BlogKind,
    LearningLogEntry,
    Notice,
    NoticeKind,
    Person,
    SecurityMarking,
)
from core.services import learning
from core.services.notices import Change, notice_record
from tests.cast import (
    MEMBERS,
    NOTICE_3A,
    NOTICE_3B,
    NOTICE_EKSKOLAN,
    NOTICE_PLAN,
    VISIBLE_NOTICES,
    end_guardianship,
    fresh,
    signed_in,
    user,
)
from tests.factories import GuardianshipFactory, PersonFactory, user_for
from tests.graphql import run
from tests.workflows import Work, blog_post, codes, seed_notices, snapshot

pytestmark = pytest.mark.django_db

LIST = "{ notices { edges { node { id text } } } me { unreadNoticeCount } }"
SUBJECT = """query($id: ID!) { node(id: $id) { ... on Notice {
  subject { __typename ... on DevelopmentPlan { term } ... on WrittenAssessment { term } }
} } }"""
UNREAD = "query($unread: Boolean) { notices(unread: $unread) { edges { node { text } } } }"
FIELDS = """{ notices { totalCount edges { node {
  id kind category text changes createdAt updatedAt readAt pupil { name } actor { name }
  subject { __typename ... on LearningLogEntry { id } }
} } } }"""
ACTORS = "{ notices { edges { node { actor { name } } } } }"
MARK_READ = """mutation($id: ID!) { noticeMarkRead(input: { id: $id }) {
  notice { id readAt } errors { code }
} }"""
MARK_ALL_READ = "mutation { noticesMarkAllRead { count errors { code } } }"

ME: dict[str, dict[str, int] | None] = {
    **{member: {"unreadNoticeCount": len(texts)} for member, texts in VISIBLE_NOTICES.items()},
    "anonymous": None,
}


def gid(notice: Notice) -> str:
    return to_base64("Notice", notice.pk)


def own(viewer: Any, texts: list[str]) -> list[dict[str, Any]]:
    """The edges of the viewer's own notices with `texts`, in that order."""
    ids = {n.text: gid(n) for n in Notice.objects.filter(recipient_id=viewer.pk)}
    return [{"node": {"id": ids[text], "text": text}} for text in texts]


def by_node(viewer: Any, ids: list[str]) -> dict[str, Any]:
    """`node(id:)` of each id, fifteen aliases (the limit) to a query."""
    found: dict[str, Any] = {}
    for start in range(0, len(ids), 15):
        chunk = dict(enumerate(ids[start : start + 15]))
        query = " ".join(f'n{i}: node(id: "{id_}") {{ id }}' for i, id_ in chunk.items())
        data = run(viewer, f"{{ {query} }}")
        found |= {id_: data[f"n{i}"] for i, id_ in chunk.items()}
    return found


def plan_notice(work: Work, *members: str) -> Notice:
    """One notice about Alva's plan for each member; the first member's is returned."""
    cast = work.cast
    change = Change(
        NoticeKind.PLAN_CHANGED,
        "DevelopmentPlan",
        work.plan.pk,
        NOTICE_PLAN,
        pupil_id=cast.alva.pk,
    )
    ids = [user(cast, m).pk for m in members]
    notice_record(change, actor_id=user(cast, "teacher").pk, recipient_ids=ids)
    return Notice.objects.get(recipient_id=ids[0], target_type="DevelopmentPlan")


def notice_rows() -> list[tuple[Any, ...]]:
    return list(Notice.objects.order_by("pk").values_list())


# Each member reads their own readable notices, and nothing else


@pytest.mark.parametrize("member", MEMBERS)
def test_each_member_lists_exactly_their_own_readable_notices(work, member):
    # given
    seed_notices(work)
    viewer = work.cast[member]

    # when
    data = run(viewer, LIST)

    # then
    assert data["notices"] == {"edges": own(viewer, VISIBLE_NOTICES[member])}
    assert data["me"] == ME[member]


@pytest.mark.parametrize("member", MEMBERS)
def test_each_member_reaches_by_node_only_their_own_readable_notices(work, member):
    # given
    seed_notices(work)
    viewer = work.cast[member]
    every = [gid(n) for n in Notice.objects.order_by("pk")]

    # when
    found = by_node(viewer, every)

    # then
    readable = {edge["node"]["id"] for edge in own(viewer, VISIBLE_NOTICES[member])}
    assert len(every) == 49
    assert {notice: node for notice, node in found.items() if node is not None} == {
        notice: {"id": notice} for notice in readable
    }


def test_the_stranger_is_told_nothing_of_a_notice_about_a_page_he_cannot_read(work):
    # given
    seed_notices(work)
    stig = user(work.cast, "stranger")

    # when
    data = run(stig, LIST)

    # then
    assert Notice.objects.filter(recipient=stig).count() == 4
    assert data == {"notices": {"edges": []}, "me": {"unreadNoticeCount": 0}}


# What a notice is about


def test_a_notice_shows_every_field(work, django_capture_on_commit_callbacks):
    # given
    cast = work.cast
    with django_capture_on_commit_callbacks(execute=True):
        learning.learning_log_comment_create(
            actor=user(cast, "teacher"), entry_id=work.entry.pk, text_="Bra jobbat"
        )
    notice = Notice.objects.get(recipient=user(cast, "guardian"))

    # when
    data = run(user(cast, "guardian"), FIELDS)

    # then
    assert data == {
        "notices": {
            "totalCount": 1,
            "edges": [
                {
                    "node": {
                        "id": gid(notice),
                        "kind": "LOG_COMMENT",
                        "category": "IMPORTANT",
                        "text": "Ny kommentar i lärloggen",
                        "changes": 1,
                        "createdAt": notice.created_at.isoformat(),
                        "updatedAt": notice.updated_at.isoformat(),
                        "readAt": None,
                        "pupil": {"name": "Alva Elev"},
                        "actor": {"name": "Teacher Exempelsson"},
                        "subject": {"__typename": "LearningLogEntry", "id": work.gid(work.entry)},
                    }
                }
            ],
        }
    }


def test_the_subject_of_a_plan_notice_is_the_plan(work):
    # given
    notice = plan_notice(work, "guardian")

    # when
    data = run(user(work.cast, "guardian"), SUBJECT, {"id": gid(notice)})

    # then
    assert data == {"node": {"subject": {"__typename": "DevelopmentPlan", "term": "HT2026"}}}


def test_a_guardian_who_lost_her_rights_reads_neither_the_notice_nor_its_subject(work):
    # given
    notice = plan_notice(work, "guardian")
    end_guardianship(work.cast)
    karin = fresh(work.cast, "guardian")

    # when
    by_node = run(karin, SUBJECT, {"id": gid(notice)})
    listed = run(karin, LIST)

    # then
    assert by_node == {"node": None}
    assert listed == {"notices": {"edges": []}, "me": {"unreadNoticeCount": 0}}


def test_the_subject_is_null_once_the_item_is_gone(work):
    # given
    cast = work.cast
    change = Change(
        NoticeKind.LOG_ENTRY, "LearningLogEntry", work.entry.pk, "Lärlogg", pupil_id=cast.alva.pk
    )
    notice_record(change, actor_id=None, recipient_ids=[user(cast, "guardian").pk])
    notice = Notice.objects.get()
    LearningLogEntry.objects.filter(pk=work.entry.pk).delete()

    # when
    data = run(user(cast, "guardian"), SUBJECT, {"id": gid(notice)})

    # then
    assert data == {"node": {"subject": None}}


def test_the_subject_is_null_for_an_item_the_viewer_may_not_read(work):
    # given: a notice about the unpublished maths draft, for Karin and the mentor
    cast = work.cast
    change = Change(
        NoticeKind.ASSESSMENT_PUBLISHED,
        "WrittenAssessment",
        work.draft.pk,
        "Omdöme",
        pupil_id=cast.alva.pk,
    )
    ids = [user(cast, "guardian").pk, user(cast, "mentor").pk]
    notice_record(change, actor_id=None, recipient_ids=ids)
    karins, mentors = (Notice.objects.get(recipient_id=pk) for pk in ids)

    # when
    guardian = run(user(cast, "guardian"), SUBJECT, {"id": gid(karins)})
    mentor = run(user(cast, "mentor"), SUBJECT, {"id": gid(mentors)})

    # then
    assert guardian == {"node": {"subject": None}}
    assert mentor == {"node": {"subject": {"__typename": "WrittenAssessment", "term": "HT2026"}}}


# Unread and order


def test_unread_and_all_notices_newest_change_first(work):
    # given: a plan notice, a log notice read, a blog notice, then the plan changes again
    cast = work.cast
    karin = user(cast, "guardian")
    plan_notice(work, "guardian")
    entry = Change(
        NoticeKind.LOG_ENTRY, "LearningLogEntry", work.entry.pk, "Lärlogg", pupil_id=cast.alva.pk
    )
    notice_record(entry, actor_id=None, recipient_ids=[karin.pk])
    Notice.objects.filter(text="Lärlogg").update(read_at=timezone.now())
    blog = blog_post(cast, kind=BlogKind.GROUP, group=cast.class_3a)
    change = Change(NoticeKind.BLOG_POST, "BlogPost", blog.pk, "Blogg", group_id=cast.class_3a.pk)
    notice_record(change, actor_id=None, recipient_ids=[karin.pk])
    plan_notice(work, "guardian")

    # when
    everything = run(karin, UNREAD)
    unread = run(karin, UNREAD, {"unread": True})
    read = run(karin, UNREAD, {"unread": False})

    # then
    def texts(data: dict[str, Any]) -> list[str]:
        return [edge["node"]["text"] for edge in data["notices"]["edges"]]

    assert texts(everything) == [NOTICE_PLAN, "Blogg", "Lärlogg"]
    assert texts(unread) == [NOTICE_PLAN, "Blogg"]
    assert texts(read) == ["Lärlogg"]
    assert Notice.objects.get(text=NOTICE_PLAN).changes == 2


# Marking read


def test_the_owner_marks_a_notice_read(work):
    # given
    cast = work.cast
    notice = plan_notice(work, "guardian")
    change = Change(
        NoticeKind.LOG_ENTRY, "LearningLogEntry", work.entry.pk, "Lärlogg", pupil_id=cast.alva.pk
    )
    notice_record(change, actor_id=None, recipient_ids=[user(cast, "guardian").pk])
    karin = user(cast, "guardian")
    assert run(karin, LIST)["me"] == {"unreadNoticeCount": 2}

    # when
    data = run(karin, MARK_READ, {"id": gid(notice)})

    # then
    payload = data["noticeMarkRead"]
    assert payload["errors"] == []
    assert payload["notice"]["id"] == gid(notice)
    read_at = Notice.objects.get(pk=notice.pk).read_at
    assert read_at is not None
    assert payload["notice"]["readAt"] == read_at.isoformat()
    assert run(fresh(cast, "guardian"), LIST)["me"] == {"unreadNoticeCount": 1}


def test_marking_a_read_notice_read_again_keeps_when_it_was_read(work):
    # given
    notice = plan_notice(work, "guardian")
    karin = user(work.cast, "guardian")
    first = run(karin, MARK_READ, {"id": gid(notice)})["noticeMarkRead"]

    # when
    again = run(karin, MARK_READ, {"id": gid(notice)})["noticeMarkRead"]

    # then
    assert again == first


@pytest.mark.parametrize("member", [m for m in MEMBERS if m not in {"guardian", "anonymous"}])
def test_someone_elses_notice_is_not_found_and_nothing_changes(work, member):
    # given: Karin's notice, and one for the member too
    notice = plan_notice(work, "guardian")
    plan_notice(work, member)
    before, rows = snapshot(), notice_rows()

    # when
    data = run(work.cast[member], MARK_READ, {"id": gid(notice)})

    # then
    assert codes(data["noticeMarkRead"]) == ["NOT_FOUND"]
    assert data["noticeMarkRead"]["notice"] is None
    assert (snapshot(), notice_rows()) == (before, rows)


def test_anonymous_may_not_mark_a_notice_read(work):
    # given
    notice = plan_notice(work, "guardian")
    before, rows = snapshot(), notice_rows()

    # when
    data = run(work.cast["anonymous"], MARK_READ, {"id": gid(notice)})

    # then
    assert data["noticeMarkRead"] == {"notice": None, "errors": [{"code": "NOT_AUTHENTICATED"}]}
    assert (snapshot(), notice_rows()) == (before, rows)


def test_anonymous_may_not_mark_all_read(work):
    # given
    plan_notice(work, "guardian")
    rows = notice_rows()

    # when
    data = run(work.cast["anonymous"], MARK_ALL_READ)

    # then
    assert data["noticesMarkAllRead"] == {"count": 0, "errors": [{"code": "NOT_AUTHENTICATED"}]}
    assert notice_rows() == rows


def test_marking_all_read_marks_only_the_viewers_readable_notices(work):
    # given: Karin reads two unread notices and one read; the rest are others' or unreadable
    seed_notices(work)
    karin = user(work.cast, "guardian")
    Notice.objects.filter(recipient=karin, text=NOTICE_3A).update(read_at=timezone.now())
    others = {pk for pk in signed_in(work.cast) if pk != karin.pk}

    # when
    data = run(karin, MARK_ALL_READ)

    # then
    assert data["noticesMarkAllRead"] == {"count": 2, "errors": []}
    unread = Notice.objects.filter(recipient=karin, read_at__isnull=True)
    assert sorted(unread.values_list("text", flat=True)) == [NOTICE_3B, NOTICE_EKSKOLAN]
    assert Notice.objects.filter(recipient_id__in=others, read_at__isnull=False).count() == 0
    assert run(fresh(work.cast, "guardian"), LIST)["me"] == {"unreadNoticeCount": 0}


def test_marking_all_read_leaves_notices_no_longer_readable(work):
    # given
    notice = plan_notice(work, "guardian")
    end_guardianship(work.cast)

    # when
    data = run(fresh(work.cast, "guardian"), MARK_ALL_READ)

    # then
    assert data["noticesMarkAllRead"] == {"count": 0, "errors": []}
    assert Notice.objects.get(pk=notice.pk).read_at is None


# Protected identity


def test_an_actor_with_protected_identity_is_an_alias_to_families_and_named_to_staff(
    work, django_capture_on_commit_callbacks
):
    # given: Karin, with protected identity, comments; Per is Alva's other custodian
    cast = work.cast
    karin = user(cast, "guardian").person
    assert karin is not None
    Person.objects.filter(pk=karin.pk).update(
        security_marking=SecurityMarking.PROTECTED_REGISTRATION
    )
    per_person = PersonFactory(given_name="Per", family_name="Elev")
    GuardianshipFactory(pupil=cast.alva, guardian=per_person)
    per = user_for(per_person)
    with django_capture_on_commit_callbacks(execute=True):
        learning.learning_log_comment_create(
            actor=fresh(cast, "guardian"), entry_id=work.entry.pk, text_="Snyggt!"
        )
    alias = Person.objects.get(pk=karin.pk).alias

    # when
    seen = {
        name: run(viewer, ACTORS)["notices"]["edges"]
        for name, viewer in (
            ("per", per),
            ("pupil", cast["pupil"]),
            ("teacher", cast["teacher"]),
            ("mentor", cast["mentor"]),
        )
    }

    # then
    assert alias.startswith("Skyddad ")
    assert seen == {
        "per": [{"node": {"actor": {"name": alias}}}],
        "pupil": [{"node": {"actor": {"name": alias}}}],
        "teacher": [{"node": {"actor": {"name": "Guardian Exempelsson"}}}],
        "mentor": [{"node": {"actor": {"name": "Guardian Exempelsson"}}}],
    }
