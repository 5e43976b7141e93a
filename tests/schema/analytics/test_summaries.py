"""Summaries over GraphQL and CSV: who reads which, exact figures, what is withheld.

The cast's classes are tiny (3A has two pupils, 3B one), so their
summaries are withheld entirely; figures are checked on a class of twelve
built here (5A in Björkskolan).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql import GraphQLList, GraphQLNamedType, GraphQLNonNull, GraphQLObjectType
from guardian.shortcuts import assign_perm
from strawberry.relay import to_base64

from core.models import (
    Answer,
    DevelopmentPlan,
    Goal,
    GoalStatus,
    Group,
    GroupKind,
    LearningLogEntry,
    Prognosis,
    Pupil,
    School,
    Subject,
    User,
    WrittenAssessment,
)
from core.selectors.analytics import Summary, summaries_refresh
from permissions.codenames import Grant
from schema import schema
from tests.cast import MEMBERS, Cast, user
from tests.factories import (
    GroupFactory,
    GroupMembershipFactory,
    GuardianshipFactory,
    OrganisationFactory,
    PersonFactory,
    PupilFactory,
    SchoolFactory,
    StaffAssignmentFactory,
    SubjectFactory,
    iup_template,
    user_for,
)
from tests.graphql import client_for, execute, run

pytestmark = pytest.mark.django_db
START = dt.date(2026, 8, 15)
COUNT = "{ value suppressed }"
PLANS = f"term agreed {COUNT} draft {COUNT} none {COUNT}"
SUMMARY = f"""level name term minCell pupils {COUNT} plans {{ {PLANS} }} trend {{ {PLANS} }}
    answers {{ role answered {COUNT} unanswered {COUNT} share }}
    goals {{ status count {COUNT} }}
    assessments {{ subject atRisk {COUNT} onTrack {COUNT} atRiskShare }}
    learningLogEntries {COUNT}
    usage {{ pupilsActive {COUNT} pupilsInactive {COUNT} guardiansActive {COUNT}
             guardiansEarlier {COUNT} guardiansNever {COUNT} staffActive {COUNT}
             staffInactive {COUNT} }}
    csvUrl"""
GROUP = f"query($id: ID!, $term: String!) {{ groupSummary(groupId: $id, term: $term) {{ {SUMMARY} }} }}"
SCHOOL = f"query($id: ID!, $term: String!) {{ schoolSummary(schoolId: $id, term: $term) {{ {SUMMARY} }} }}"
ORGANISATION = f"query($term: String!) {{ organisationSummary(term: $term) {{ {SUMMARY} }} }}"
EVERY = """query($a: ID!, $b: ID!, $g: ID!, $s: ID!, $e: ID!) {
    a: groupSummary(groupId: $a, term: "HT2026") { name }
    b: groupSummary(groupId: $b, term: "HT2026") { name }
    g: groupSummary(groupId: $g, term: "HT2026") { name }
    s: schoolSummary(schoolId: $s, term: "HT2026") { name }
    e: schoolSummary(schoolId: $e, term: "HT2026") { name }
    o: organisationSummary(term: "HT2026") { name } }"""
ORGANISER = "Exempelby kommun"
# Member -> the summaries read, of 3A, 3B, 7A, Björkskolan, Ekskolan and the organiser.
READS: dict[str, set[str]] = {
    "pupil": set(),
    "guardian": set(),
    "teacher": {"3A"},
    "mentor": {"3A"},
    "other_teacher": {"3B"},
    "principal": {"3A", "3B", "Björkskolan"},
    "school_admin": {"3A", "3B", "Björkskolan"},
    "other_principal": {"7A", "Ekskolan"},
    "analytics": {"3A", "3B", "Björkskolan"},
    "student_health": set(),
    "shared": set(),
    "stranger": set(),
    "anonymous": set(),
}


def gid(obj: Group | School) -> str:
    return to_base64(type(obj).__name__, obj.pk)


def every_summary(cast: Cast) -> dict[str, str]:
    return {
        "a": gid(cast.class_3a),
        "b": gid(cast.class_3b),
        "g": gid(Group.objects.get(name="7A")),
        "s": gid(cast.school),
        "e": gid(cast.other_school),
    }


def names(data: dict[str, Any]) -> set[str]:
    found = {data[alias]["name"] for alias in "abgse" if data[alias] is not None}
    return found | {summary["name"] for summary in data["o"]}


def organisation_analyst(cast: Cast) -> User:
    """Analytics granted the whole organiser (the cast has nobody so granted)."""
    user = user_for(PersonFactory(given_name="Olga"))
    assign_perm(Grant.ANALYTICS.perm, user, cast.school.organisation)
    return user


def counts(value: Any) -> list[Any]:
    """Every {value suppressed} pair in a response, in order."""
    if isinstance(value, dict) and value.keys() == {"value", "suppressed"}:
        return [value]
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return [pair for item in items for pair in counts(item)]


def c(value: int | None) -> dict[str, Any]:
    """A count as GraphQL answers it."""
    return {"value": value, "suppressed": value is None}


def plan_counts(term: str, agreed: int | None, draft: int | None, none: int | None) -> Any:
    return {"term": term, "agreed": c(agreed), "draft": c(draft), "none": c(none)}


# -- who may ask ---------------------------------------------------------------


@pytest.fixture(params=["counted", "kept"])
def summaries(request: pytest.FixtureRequest, cast: Cast, settings: Any) -> str:
    """Summaries counted when asked, or every one kept ahead (`summaries_refresh`).

    Kept, a summary is there before any reader asks: who may read it must
    still be checked on each request.
    """
    if request.param == "kept":
        settings.CACHES = LOCAL_CACHE
        settings.SUMMARY_CACHE_SECONDS = 300
        cache.clear()
        summaries_refresh("HT2026")
    return str(request.param)


@pytest.mark.parametrize("member", MEMBERS)
def test_who_reads_which_summary(cast, summaries, member):
    # when
    data = run(cast[member], EVERY, every_summary(cast))

    # then
    assert names(data) == READS[member]
    assert data["o"] == []


def test_analytics_granted_the_organiser_reads_it_and_every_school_and_class(cast):
    # given
    analyst = organisation_analyst(cast)

    # when
    data = run(analyst, EVERY, every_summary(cast))

    # then
    assert names(data) == {"3A", "3B", "7A", "Björkskolan", "Ekskolan", ORGANISER}
    assert [summary["name"] for summary in data["o"]] == [ORGANISER]


def test_a_deactivated_reader_reads_nothing(cast):
    # given
    analyst = organisation_analyst(cast)
    principal = user(cast, "principal")
    User.objects.filter(pk__in=[analyst.pk, principal.pk]).update(is_active=False)
    analyst.refresh_from_db()
    principal.refresh_from_db()

    # when
    seen = [names(run(viewer, EVERY, every_summary(cast))) for viewer in (analyst, principal)]

    # then
    assert seen == [set(), set()]


def test_a_grant_on_another_organiser_reads_only_that_one(cast):
    # given
    analyst = user_for(PersonFactory(given_name="Olga"))
    assign_perm(Grant.ANALYTICS.perm, analyst, OrganisationFactory(name="Annan kommun"))

    # when
    data = run(analyst, EVERY, every_summary(cast))

    # then
    assert names(data) == {"Annan kommun"}


@pytest.mark.parametrize("member", MEMBERS)
def test_the_csv_answers_the_same_readers(cast, summaries, member):
    # given
    client = client_for(cast[member])
    urls = {
        "3A": f"/analytics/group/{cast.class_3a.pk}.csv",
        "3B": f"/analytics/group/{cast.class_3b.pk}.csv",
        "7A": f"/analytics/group/{Group.objects.get(name='7A').pk}.csv",
        "Björkskolan": f"/analytics/school/{cast.school.pk}.csv",
        "Ekskolan": f"/analytics/school/{cast.other_school.pk}.csv",
        ORGANISER: f"/analytics/organisation/{cast.school.organisation_id}.csv",
    }

    # when
    statuses = {
        name: client.get(url, {"term": "HT2026"}).status_code for name, url in urls.items()
    }

    # then
    assert {name for name, status in statuses.items() if status == 200} == READS[member]
    assert {status for name, status in statuses.items() if name not in READS[member]} == {404}


# -- figures -------------------------------------------------------------------


def class_of_twelve(cast: Cast) -> Group:
    """5A in Björkskolan: twelve pupils and a term's worth of everything.

    Plans agreed / draft: HT2026 7 / 5, VT2026 12 / 0, HT2025 5 / 0,
    VT2025 2 / 0. HT2026 answers: pupils 8 of 12 (and one blank), guardians
    6, teachers 12, mentors 0. Goals: 5 new, 6 in progress, 1 done.
    Published assessments: maths 5 at risk, 7 on track; Swedish 2 and 8;
    2 in Arabic as a mother tongue; three English drafts. Fifteen log
    entries this term, one in spring. Logins in the last 30 days: 7 pupils
    (one more long ago), 6 guardian links (5 earlier, 3 never), 1 of 2 staff.
    """
    teacher = user(cast, "teacher")
    now = timezone.now()
    group = GroupFactory(school=cast.school, name="5A", school_year=5)
    pupils: list[Pupil] = [PupilFactory(school=cast.school) for _ in range(12)]
    for pupil in pupils:
        GroupMembershipFactory(group=group, pupil=pupil, start_date=START)
    for pupil, days in zip(pupils, (1, 2, 3, 5, 8, 13, 21, 60), strict=False):
        user_for(pupil.person, last_login=now - dt.timedelta(days=days))
    template, family, staff = iup_template("IUP 5")
    plans: dict[str, list[DevelopmentPlan]] = {}
    for term, agreed, draft in (
        ("HT2026", 7, 5),
        ("VT2026", 12, 0),
        ("HT2025", 5, 0),
        ("VT2025", 2, 0),
    ):
        plans[term] = [
            DevelopmentPlan.objects.create(
                pupil=pupil,
                term=term,
                template=template,
                started_by=teacher,
                changed_by=teacher,
                agreed_at=now if i < agreed else None,
            )
            for i, pupil in enumerate(pupils[: agreed + draft])
        ]
    term_plans = plans["HT2026"]
    answers = [(plan, family, "pupil", "Rita") for plan in term_plans[:8]]
    answers += [(term_plans[8], family, "pupil", "")]
    answers += [(plan, family, "guardian", "Läsa") for plan in term_plans[:6]]
    answers += [(plan, staff, "teacher", "Bra") for plan in term_plans]
    for plan, question, role, text in answers:
        Answer.objects.create(plan=plan, question=question, role=role, text=text, author=teacher)
    statuses = [GoalStatus.NEW] * 5 + [GoalStatus.IN_PROGRESS] * 6 + [GoalStatus.DONE]
    for plan, status in zip(term_plans, statuses, strict=True):
        Goal.objects.create(plan=plan, text="Mål", proposed_by=teacher, status=status)
    english: Subject = SubjectFactory(code="EN", name="Engelska")
    arabic: Subject = SubjectFactory(code="MLARA", name="Modersmål - arabiska")
    assessments: list[tuple[Pupil, Subject, bool, dt.datetime | None]] = [
        (p, cast.maths, i < 5, now) for i, p in enumerate(pupils)
    ]
    assessments += [(p, cast.swedish, i < 2, now) for i, p in enumerate(pupils[:10])]
    assessments += [(p, english, True, None) for p in pupils[:3]]
    assessments += [(p, arabic, False, now) for p in pupils[:2]]
    for pupil, subject, at_risk, published in assessments:
        WrittenAssessment.objects.create(
            pupil=pupil,
            subject=subject,
            term="HT2026",
            author=teacher,
            published_at=published,
            prognosis=Prognosis.AT_RISK if at_risk else Prognosis.ON_TRACK,
        )
    entries = [
        LearningLogEntry.objects.create(pupil=pupils[i % 12], author=teacher, text="Idag")
        for i in range(16)
    ]
    spring = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
    LearningLogEntry.objects.filter(pk=entries[0].pk).update(created_at=spring)
    logins = [now - dt.timedelta(days=2)] * 6 + [now - dt.timedelta(days=90)] * 5 + [None] * 3
    for i, login in enumerate(logins):
        guardian = GuardianshipFactory(pupil=pupils[i % 12]).guardian
        user_for(guardian, last_login=login)
    for login in (now - dt.timedelta(days=1), None):
        assignment = StaffAssignmentFactory(group=group, subject=cast.maths, start_date=START)
        user_for(assignment.staff, last_login=login)
    return group


def test_a_class_summary_publishes_exact_counts_and_withholds_small_ones(cast):
    # given
    group = class_of_twelve(cast)

    # when
    data = run(cast["principal"], GROUP, {"id": gid(group), "term": "HT2026"})

    # then
    assert data["groupSummary"] == {
        "level": "group",
        "name": "5A",
        "term": "HT2026",
        "minCell": 5,
        "pupils": c(12),
        "plans": plan_counts("HT2026", 7, 5, 0),
        "trend": [
            plan_counts("VT2025", None, None, None),  # 2 agreed: every part withheld
            plan_counts("HT2025", 5, 0, 7),
            plan_counts("VT2026", 12, 0, 0),
            plan_counts("HT2026", 7, 5, 0),
        ],
        "answers": [
            # 4 unanswered: answered goes too, or 12 plans times 1 question minus 8 gives it
            {"role": "PUPIL", "answered": c(None), "unanswered": c(None), "share": None},
            {"role": "GUARDIAN", "answered": c(6), "unanswered": c(6), "share": 0.5},
            {"role": "TEACHER", "answered": c(12), "unanswered": c(0), "share": 1.0},
            {"role": "MENTOR", "answered": c(0), "unanswered": c(12), "share": 0.0},
        ],
        "goals": [
            {"status": "NEW", "count": c(5)},
            {"status": "IN_PROGRESS", "count": c(6)},
            {"status": "DONE", "count": c(None)},
            {"status": "ACHIEVED", "count": c(0)},
            {"status": "CANCELLED", "count": c(0)},
        ],
        "assessments": [
            {"subject": "Matematik", "atRisk": c(5), "onTrack": c(7), "atRiskShare": 0.417},
            # 2 at risk: on track goes too, nearly every pupil has an assessment
            {"subject": "Svenska", "atRisk": c(None), "onTrack": c(None), "atRiskShare": None},
            # Arabic, with 2 assessments, is not listed: listing it would tell of them
        ],
        "learningLogEntries": c(15),
        "usage": {
            "pupilsActive": c(7),
            "pupilsInactive": c(5),
            "guardiansActive": c(6),
            "guardiansEarlier": c(5),
            "guardiansNever": c(None),
            "staffActive": c(None),
            "staffInactive": c(None),
        },
        "csvUrl": f"/analytics/group/{group.pk}.csv?term=HT2026",
    }


def test_a_pupil_listed_twice_in_a_class_counts_once(cast):
    # given: 5A, then a second, overlapping record of one pupil's place in it
    group = class_of_twelve(cast)
    variables = {"id": gid(group), "term": "HT2026"}
    once = run(cast["principal"], GROUP, variables)["groupSummary"]
    pupil = group.memberships.order_by("pk")[0].pupil
    GroupMembershipFactory(group=group, pupil=pupil, start_date=START + dt.timedelta(days=3))

    # when
    twice = run(cast["principal"], GROUP, variables)["groupSummary"]

    # then
    assert [twice == once, twice["pupils"]] == [True, c(12)]


def test_a_terms_plans_read_the_same_in_its_own_summary_and_in_a_later_trend(cast):
    # given: 5A, whose VT2025 plans (2 agreed of 12) are withheld
    group = class_of_twelve(cast)

    # when
    trend = run(cast["principal"], GROUP, {"id": gid(group), "term": "HT2026"})["groupSummary"][
        "trend"
    ]
    own = [
        run(cast["principal"], GROUP, {"id": gid(group), "term": t["term"]})["groupSummary"][
            "plans"
        ]
        for t in trend
    ]

    # then: asking each term's summary tells no more than the trend does
    assert own == trend
    assert trend[0] == plan_counts("VT2025", None, None, None)


def test_every_reader_of_a_class_gets_the_same_figures(cast):
    # given
    group = class_of_twelve(cast)
    analyst = organisation_analyst(cast)
    variables = {"id": gid(group), "term": "HT2026"}

    # when
    seen = [
        run(viewer, GROUP, variables)["groupSummary"]
        for viewer in (cast["principal"], cast["school_admin"], cast["analytics"], analyst)
    ]

    # then
    assert [summary == seen[0] for summary in seen] == [True, True, True, True]


def test_a_class_under_k_pupils_is_withheld_entirely(cast, work):
    # when: 3A has two pupils, with plans, answers, goals, an assessment and a log entry
    data = run(cast["teacher"], GROUP, {"id": gid(cast.class_3a), "term": "HT2026"})

    # then
    summary = data["groupSummary"]
    assert len(counts(summary)) == 1 + 3 + 4 * 3 + 4 * 2 + 5 + 1 + 7
    assert {(pair["value"], pair["suppressed"]) for pair in counts(summary)} == {(None, True)}
    assert [summary["answers"][0]["share"], summary["assessments"]] == [None, []]


def test_a_school_summary_withholds_what_its_tiny_classes_would_give_away(cast):
    # given: Björkskolan holds 5A (12 pupils), 3A (2) and 3B (1)
    class_of_twelve(cast)

    # when
    data = run(cast["principal"], SCHOOL, {"id": gid(cast.school), "term": "HT2026"})

    # then
    summary = data["schoolSummary"]
    assert [summary["level"], summary["name"], summary["pupils"]] == [
        "school",
        "Björkskolan",
        c(None),
    ]
    assert summary["plans"] == plan_counts("HT2026", None, None, None)
    assert [g["count"] for g in summary["goals"]] == [c(5), c(6), c(None), c(0), c(0)]
    # pupils withheld: so are the assessments, which nearly add up to them
    assert summary["assessments"] == [
        {"subject": "Matematik", "atRisk": c(None), "onTrack": c(None), "atRiskShare": None},
        {"subject": "Svenska", "atRisk": c(None), "onTrack": c(None), "atRiskShare": None},
    ]
    assert summary["learningLogEntries"] == c(15)
    assert [summary["usage"]["guardiansActive"], summary["usage"]["guardiansNever"]] == [
        c(6),
        c(None),
    ]


# -- refusals --------------------------------------------------------------------


def test_a_teaching_group_has_no_summary(cast):
    # given: Tove teaches a maths group across 3A and 3B
    teaching = GroupFactory(school=cast.school, name="Ma 3", kind=GroupKind.TEACHING)
    teacher = user(cast, "teacher")
    StaffAssignmentFactory(
        staff=teacher.person, group=teaching, subject=cast.maths, start_date=START
    )

    # when
    result = execute(teacher, GROUP, {"id": gid(teaching), "term": "HT2026"})
    stranger = execute(cast["stranger"], GROUP, {"id": gid(teaching), "term": "HT2026"})

    # then
    assert result.data == {"groupSummary": None}
    assert [(e.message, e.extensions) for e in result.errors or []] == [
        (
            "Summaries are made for classes and departments, not teaching groups.",
            {"code": "VALIDATION", "argument": "groupId"},
        )
    ]
    assert (stranger.data, stranger.errors) == ({"groupSummary": None}, None)


BAD_TERM = "A term is HT or VT and a year, e.g. HT2026."
Variables = Callable[[Cast], dict[str, str]]


@pytest.mark.parametrize(
    ("query", "variables", "message", "argument"),
    [
        (GROUP, lambda c: {"id": gid(c.class_3a), "term": "HT26"}, BAD_TERM, "term"),
        (SCHOOL, lambda c: {"id": gid(c.school), "term": "ht2026"}, BAD_TERM, "term"),
        (ORGANISATION, lambda _: {"term": "2026"}, BAD_TERM, "term"),
        (
            GROUP,
            lambda c: {"id": gid(c.school), "term": "HT2026"},
            "groupId must be the id of a Group, not a School.",
            "groupId",
        ),
        (
            SCHOOL,
            lambda c: {"id": gid(c.class_3a), "term": "HT2026"},
            "schoolId must be the id of a School, not a Group.",
            "schoolId",
        ),
        (
            GROUP,
            lambda _: {"id": "Z3JvdXA=", "term": "HT2026"},
            "groupId is not an id.",
            "groupId",
        ),
    ],
)
def test_bad_input_is_a_validation_error(cast, query, variables: Variables, message, argument):
    # when
    result = execute(cast["principal"], query, variables(cast))

    # then
    assert [(e.message, e.extensions) for e in result.errors or []] == [
        (message, {"code": "VALIDATION", "argument": argument}),
    ]


# -- nothing but numbers ---------------------------------------------------------


def reachable(name: str) -> set[str]:
    """Every type reachable from `name` through fields, interfaces and arguments."""
    type_map = schema._schema.type_map
    found: set[str] = set()
    todo = [name]
    while todo:
        current = type_map[todo.pop()]
        if current.name in found:
            continue
        found.add(current.name)
        if isinstance(current, GraphQLObjectType):
            todo += [i.name for i in current.interfaces]
            for field in current.fields.values():
                todo += [
                    named(field.type).name,
                    *(named(arg.type).name for arg in field.args.values()),
                ]
    return found


def named(kind: Any) -> GraphQLNamedType:
    while isinstance(kind, GraphQLNonNull | GraphQLList):
        kind = kind.of_type
    return kind  # type: ignore[no-any-return]


def test_summaries_reach_no_pupil_person_group_or_node():
    # given
    query = schema._schema.type_map["Query"]
    assert isinstance(query, GraphQLObjectType)
    roots = {
        name: named(query.fields[name].type).name
        for name in ("groupSummary", "schoolSummary", "organisationSummary")
    }

    # when
    types = reachable("SummaryType")

    # then
    assert roots == dict.fromkeys(roots, "SummaryType")
    assert types == {
        "SummaryType",
        "SummaryCount",
        "PlanCounts",
        "RoleAnswers",
        "GoalCount",
        "SubjectRisk",
        "Usage",
        "QuestionRole",
        "GoalStatus",
        "String",
        "Int",
        "Float",
        "Boolean",
        "DateTime",
    }
    assert types.isdisjoint(
        {"Pupil", "Person", "PersonName", "Group", "School", "DevelopmentPlan", "Node"}
    )


# -- CSV -------------------------------------------------------------------------


def test_a_school_summary_as_csv(cast):
    # given
    class_of_twelve(cast)
    client = client_for(cast["principal"])

    # when
    response = client.get(f"/analytics/school/{cast.school.pk}.csv", {"term": "HT2026"})

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="summary-school-{cast.school.pk}-HT2026.csv"'
    )
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["level", "name", "metric", "key", "term", "value", "suppressed"]
    assert rows[1] == ["school", "Björkskolan", "pupils", "", "HT2026", "", "yes"]
    picked = {
        "goals",
        "assessments_at_risk",
        "assessments_on_track",
        "learning_log_entries",
        "usage_guardians",
    }
    assert [row[2:] for row in rows if row[2] in picked] == [
        ["goals", "new", "HT2026", "5", "no"],
        ["goals", "in_progress", "HT2026", "6", "no"],
        ["goals", "done", "HT2026", "", "yes"],
        ["goals", "achieved", "HT2026", "0", "no"],
        ["goals", "cancelled", "HT2026", "0", "no"],
        ["assessments_at_risk", "Matematik", "HT2026", "", "yes"],
        ["assessments_on_track", "Matematik", "HT2026", "", "yes"],
        ["assessments_at_risk", "Svenska", "HT2026", "", "yes"],
        ["assessments_on_track", "Svenska", "HT2026", "", "yes"],
        ["learning_log_entries", "", "HT2026", "15", "no"],
        ["usage_guardians", "active", "", "6", "no"],
        ["usage_guardians", "earlier", "", "5", "no"],
        ["usage_guardians", "never", "", "", "yes"],
    ]
    assert len(rows) == 1 + 1 + 4 * 3 + 4 * 2 + 5 + 2 * 2 + 1 + 7


def test_the_csv_and_graphql_publish_the_same_counts(cast):
    # given
    group = class_of_twelve(cast)
    client = client_for(cast["principal"])

    # when
    response = client.get(f"/analytics/group/{group.pk}.csv", {"term": "HT2026"})
    data = run(cast["principal"], GROUP, {"id": gid(group), "term": "HT2026"})

    # then
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    published = [int(row[5]) if row[5] else None for row in rows]
    summary = data["groupSummary"]
    from_graphql = [
        summary["pupils"],
        *(p[part] for p in summary["trend"] for part in ("agreed", "draft", "none")),
        *(a[part] for a in summary["answers"] for part in ("answered", "unanswered")),
        *(g["count"] for g in summary["goals"]),
        *(s[part] for s in summary["assessments"] for part in ("atRisk", "onTrack")),
        summary["learningLogEntries"],
        *summary["usage"].values(),
    ]
    assert published == [pair["value"] for pair in from_graphql]


@pytest.mark.parametrize(
    ("member", "term", "status"),
    [
        ("stranger", "HT2026", 404),
        ("teacher", "HT2026", 404),  # a teacher's own groups do not add up to a school
        ("anonymous", "HT2026", 404),
        ("principal", "HT26", 400),
        ("principal", "", 400),
    ],
)
def test_the_csv_refuses_like_graphql(cast, member, term, status):
    # given
    client = client_for(cast[member])

    # when
    response = client.get(f"/analytics/school/{cast.school.pk}.csv", {"term": term})

    # then
    assert response.status_code == status


def test_the_csv_asks_for_the_terms_of_use_first(cast):
    # given
    principal = cast["principal"]
    User.objects.filter(pk=principal.pk).update(terms_version="2020-01")
    client = client_for(principal)

    # when
    response = client.get(f"/analytics/school/{cast.school.pk}.csv", {"term": "HT2026"})

    # then
    assert response.status_code == 403


def test_the_csv_of_a_teaching_group_is_a_bad_request(cast):
    # given
    teaching = GroupFactory(school=cast.school, name="Ma 3", kind=GroupKind.TEACHING)
    client = client_for(cast["principal"])

    # when
    response = client.get(f"/analytics/group/{teaching.pk}.csv", {"term": "HT2026"})

    # then
    assert response.status_code == 400


# -- cost ------------------------------------------------------------------------


def add_classes(cast: Cast, count: int) -> None:
    """Classes of three in Björkskolan, each with plans, goals, assessments and more."""
    teacher = user(cast, "teacher")
    template, question, _ = iup_template("IUP 6")
    subject = Subject.objects.get(name="Matematik")
    for n in range(count):
        group = GroupFactory(school=cast.school, name=f"6{'ABCDEFGH'[n]}", school_year=6)
        StaffAssignmentFactory(group=group, subject=subject, start_date=START)
        for _ in range(3):
            pupil = PupilFactory(school=cast.school)
            GroupMembershipFactory(group=group, pupil=pupil, start_date=START)
            GuardianshipFactory(pupil=pupil)
            plan = DevelopmentPlan.objects.create(
                pupil=pupil,
                term="HT2026",
                template=template,
                started_by=teacher,
                changed_by=teacher,
            )
            Answer.objects.create(
                plan=plan, question=question, role="pupil", text="Ja", author=teacher
            )
            Goal.objects.create(plan=plan, text="Mål", proposed_by=teacher)
            WrittenAssessment.objects.create(
                pupil=pupil,
                subject=subject,
                term="HT2026",
                author=teacher,
                prognosis=Prognosis.AT_RISK,
                published_at=timezone.now(),
            )
            LearningLogEntry.objects.create(pupil=pupil, author=teacher, text="Idag")


@pytest.mark.parametrize("extra", [0, 4])
def test_a_school_summary_costs_the_same_queries_for_2_and_6_classes(cast, work, extra):
    # given
    add_classes(cast, extra)

    # when
    with CaptureQueriesContext(connection) as captured:
        data = run(cast["principal"], SCHOOL, {"id": gid(cast.school), "term": "HT2026"})

    # then
    assert data["schoolSummary"]["name"] == "Björkskolan"
    assert len(captured) == 15, "\n".join(q["sql"] for q in captured)


@pytest.mark.parametrize("extra", [0, 4])
def test_an_organisation_summary_costs_the_same_queries_for_3_and_7_classes(cast, work, extra):
    # given
    add_classes(cast, extra)
    analyst = organisation_analyst(cast)

    # when
    with CaptureQueriesContext(connection) as captured:
        data = run(analyst, ORGANISATION, {"term": "HT2026"})

    # then
    assert [summary["name"] for summary in data["organisationSummary"]] == [ORGANISER]
    assert len(captured) == 16, "\n".join(q["sql"] for q in captured)


# -- kept for a while ------------------------------------------------------------

TIMED = {
    name: query.replace("csvUrl", "csvUrl countedAt")
    for name, query in (("group", GROUP), ("school", SCHOOL), ("organisation", ORGANISATION))
}
LOCAL_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "summaries-test",
    }
}


@pytest.fixture
def kept(settings: Any) -> None:
    """Summaries kept for five minutes in this process's own cache."""
    settings.CACHES = LOCAL_CACHE
    settings.SUMMARY_CACHE_SECONDS = 300
    cache.clear()


def test_a_kept_summary_is_read_without_counting_until_it_is_counted_anew(cast, kept):
    # given: 5A counted once, then a thirteenth pupil joins
    group = class_of_twelve(cast)
    variables = {"id": gid(group), "term": "HT2026"}
    first = run(cast["principal"], TIMED["group"], variables)["groupSummary"]
    GroupMembershipFactory(group=group, pupil=PupilFactory(school=cast.school), start_date=START)

    # when
    with CaptureQueriesContext(connection) as captured:
        again = run(cast["principal"], TIMED["group"], variables)["groupSummary"]
    cache.clear()
    anew = run(cast["principal"], TIMED["group"], variables)["groupSummary"]

    # then: the kept figures, and when they were counted, until counted anew
    assert [again == first, len(captured)] == [True, 1]
    assert [first["pupils"], anew["pupils"]] == [c(12), c(13)]
    assert anew["countedAt"] > first["countedAt"]


def test_a_kept_summary_still_answers_only_its_readers(cast, kept):
    # given: Björkskolan's summary kept after its principal read it
    variables = {"id": gid(cast.school), "term": "HT2026"}
    assert run(cast["principal"], SCHOOL, variables)["schoolSummary"]["name"] == "Björkskolan"

    # when
    seen = {
        member: run(cast[member], SCHOOL, variables)["schoolSummary"]
        for member in ("teacher", "other_principal", "stranger")
    }

    # then
    assert seen == {"teacher": None, "other_principal": None, "stranger": None}


def test_refreshing_keeps_every_organiser_school_and_class_summary(cast, kept, settings):
    # given
    group = class_of_twelve(cast)
    analyst = organisation_analyst(cast)

    # when
    kept_count = summaries_refresh("HT2026")
    with CaptureQueriesContext(connection) as captured:
        data = [
            run(analyst, TIMED["organisation"], {"term": "HT2026"})["organisationSummary"][0],
            run(analyst, TIMED["school"], {"id": gid(cast.school), "term": "HT2026"})[
                "schoolSummary"
            ],
            run(analyst, TIMED["group"], {"id": gid(group), "term": "HT2026"})["groupSummary"],
        ]
    settings.SUMMARY_CACHE_SECONDS = 0
    fresh = run(analyst, GROUP, {"id": gid(group), "term": "HT2026"})["groupSummary"]

    # then: nothing counted on reading, and every level counted at once
    expected = (
        1
        + School.objects.count()
        + Group.objects.filter(kind__in=[GroupKind.CLASS, GroupKind.DEPARTMENT]).count()
    )
    assert kept_count == expected
    assert [summary["level"] for summary in data] == ["organisation", "school", "group"]
    assert len({summary["countedAt"] for summary in data}) == 1
    assert {key: value for key, value in data[2].items() if key != "countedAt"} == fresh
    # Only the units, the reader's access rows and grants are read: none of what is counted.
    tables = sorted({q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in captured})
    assert tables == [
        "core_group",
        "core_organisation",
        "core_school",
        "permissions_access",
        "permissions_organisationgrant",
    ]


@pytest.mark.parametrize(
    ("seconds", "caches", "message"),
    [
        (0, LOCAL_CACHE, "Summaries are not kept (SUMMARY_CACHE_SECONDS=0); nothing to do."),
        (
            300,
            LOCAL_CACHE,
            (
                "Summaries are kept in each server's own memory; set REDIS_URL "
                "so that the servers read what this command counts."
            ),
        ),
    ],
)
def test_the_refresh_command_refuses_when_nothing_would_be_shared(
    settings, seconds, caches, message
):
    # given
    settings.SUMMARY_CACHE_SECONDS, settings.CACHES = seconds, caches

    # when
    with pytest.raises(CommandError) as refused:
        call_command("summaries_refresh", stdout=io.StringIO())

    # then
    assert str(refused.value) == message


def test_the_refresh_command_counts_into_a_shared_cache(cast, settings, tmp_path):
    # given: a cache every process reads (a folder here, Redis in production)
    settings.SUMMARY_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }
    out = io.StringIO()

    # when
    call_command("summaries_refresh", "--term", "HT2026", stdout=out)

    # then
    kept_count = (
        1
        + School.objects.count()
        + Group.objects.filter(kind__in=[GroupKind.CLASS, GroupKind.DEPARTMENT]).count()
    )
    assert out.getvalue() == f"{kept_count} summaries of HT2026 counted and kept for 300 s.\n"
    assert isinstance(
        cache.get(f"summary:school:{cast.school.pk}:HT2026:5:{timezone.localdate()}"), Summary
    )


def test_the_refresh_command_refuses_a_bad_term(settings, tmp_path):
    # given
    settings.SUMMARY_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        }
    }

    # when
    with pytest.raises(CommandError) as refused:
        call_command("summaries_refresh", "--term", "HT26", stdout=io.StringIO())

    # then
    assert str(refused.value) == "--term 'HT26': A term is HT or VT and a year, e.g. HT2026."


@pytest.mark.parametrize("extra", [0, 3])
def test_an_organisation_summary_costs_the_same_queries_for_2_and_5_schools(cast, work, extra):
    # given: more schools of the organiser, each with a class of pupils
    for _ in range(extra):
        group = GroupFactory(school=SchoolFactory(organisation=cast.school.organisation))
        for _ in range(3):
            GroupMembershipFactory(
                group=group, pupil=PupilFactory(school=group.school), start_date=START
            )
    analyst = organisation_analyst(cast)

    # when
    with CaptureQueriesContext(connection) as captured:
        data = run(analyst, ORGANISATION, {"term": "HT2026"})

    # then
    assert [summary["name"] for summary in data["organisationSummary"]] == [ORGANISER]
    assert len(captured) == 16, "\n".join(q["sql"] for q in captured)
