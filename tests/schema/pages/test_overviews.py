"""DevelopmentPlan.overview and Group.overview: exact values, who may ask, pinned cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from core.importers.demo.pages import fill_pages
from core.models import (
    AssessmentMatrix,
    BlogImage,
    BlogKind,
    BlogPost,
    MatrixCriterion,
    Subject,
    TeachingPlan,
)
from core.services.curriculum import curriculum_load
from permissions import access
from tests.factories import (
    GroupFactory,
    GroupMembershipFactory,
    GuardianshipFactory,
    PupilFactory,
    StaffAssignmentFactory,
    user_for,
)
from tests.graphql import execute, run

pytestmark = pytest.mark.django_db

PLAN_OVERVIEW = """{ pupils { edges { node { developmentPlans { overview {
    progress { role asked answered share } goalsByStatus { status count }
    template { name } startedBy { name } changedBy { name } } } } } } }"""


def test_plan_overview_counts_answers_per_role_and_goals_per_status(pages, cast):
    # when
    data = run(cast["guardian"], PLAN_OVERVIEW)

    # then
    [pupil] = data["pupils"]["edges"]
    assert pupil["node"]["developmentPlans"] == [
        {
            "overview": {
                "progress": [
                    {"role": "PUPIL", "asked": 1, "answered": 1, "share": 1.0},
                    {"role": "GUARDIAN", "asked": 1, "answered": 0, "share": 0.0},
                    {"role": "TEACHER", "asked": 0, "answered": 0, "share": 0.0},
                    {"role": "MENTOR", "asked": 0, "answered": 0, "share": 0.0},
                ],
                "goalsByStatus": [
                    {"status": "NEW", "count": 1},
                    {"status": "IN_PROGRESS", "count": 0},
                    {"status": "DONE", "count": 0},
                    {"status": "ACHIEVED", "count": 0},
                    {"status": "CANCELLED", "count": 0},
                ],
                "template": {"name": "IUP"},
                "startedBy": {"name": "Teacher Exempelsson"},
                "changedBy": {"name": "Teacher Exempelsson"},
            }
        }
    ]


GROUP_OVERVIEW = """query($id: ID!) { group(id: $id) { overview(term: "HT2026") { term pupils {
    name pupil { name } planState plan { term } assessmentsAtRisk latestLogEntry { text }
    progress { role answered } goalsByStatus { status count } } } } }"""


@pytest.mark.parametrize(
    ("member", "names"),
    [
        ("teacher", ["Alva Elev", "Elis Elev"]),
        ("mentor", ["Alva Elev", "Elis Elev"]),
        ("principal", ["Alva Elev", "Elis Elev"]),
        ("school_admin", ["Alva Elev", "Elis Elev"]),
        ("pupil", None),
        ("guardian", None),
        ("student_health", None),
    ],
)
def test_group_overview_is_for_the_class_staff(pages, cast, member, names):
    # when
    group = run(cast[member], GROUP_OVERVIEW, {"id": to_base64("Group", cast.class_3a.pk)})[
        "group"
    ]

    # then
    overview = group["overview"]
    assert (overview and [p["pupil"]["name"] for p in overview["pupils"]]) == names


def test_group_overview_line(pages, cast):
    # when
    overview = run(
        cast["teacher"],
        GROUP_OVERVIEW,
        {"id": to_base64("Group", cast.class_3a.pk)},
    )["group"]["overview"]

    # then
    assert overview["term"] == "HT2026"
    assert overview["pupils"][0] == {
        "name": "Alva Elev",
        "pupil": {"name": "Alva Elev"},
        "planState": "DRAFT",
        "plan": {"term": "HT2026"},
        "assessmentsAtRisk": 0,
        "latestLogEntry": {"text": "Bråk"},
        "progress": [
            {"role": "PUPIL", "answered": 1},
            {"role": "GUARDIAN", "answered": 0},
            {"role": "TEACHER", "answered": 0},
            {"role": "MENTOR", "answered": 0},
        ],
        "goalsByStatus": [
            {"status": "NEW", "count": 1},
            {"status": "IN_PROGRESS", "count": 0},
            {"status": "DONE", "count": 0},
            {"status": "ACHIEVED", "count": 0},
            {"status": "CANCELLED", "count": 0},
        ],
    }


def class_with_pages(size: int):
    curriculum_load()
    group = GroupFactory(school_year=3)
    assignment = StaffAssignmentFactory(group=group)
    teacher = user_for(assignment.staff)
    with access.batched():
        for _ in range(size):
            GroupMembershipFactory(group=group, pupil=PupilFactory(school=group.school))
    subjects = list(Subject.objects.filter(code__in=["MA", "SV", "EN"]))
    fill_pages(group, term="HT2026", author=teacher, subjects=subjects)
    return teacher, group


def queries_for(viewer, query, variables=None):
    with CaptureQueriesContext(connection) as captured:
        data = run(viewer, query, variables)
    return data, len(captured)


FULL_OVERVIEW = """query($id: ID!) { group(id: $id) { overview(term: "HT2026") { pupils {
    pupilId name schoolYear planId planState assessmentsAtRisk
    latestLogEntry { id text createdAt } pupil { name } plan { term }
    progress { role asked answered share } goalsByStatus { status count } } } } }"""


@pytest.mark.parametrize("size", [30, 300])
def test_group_overview_costs_the_same_queries_for_30_and_300_pupils(size):
    # given
    teacher, group = class_with_pages(size)

    # when
    data, count = queries_for(teacher, FULL_OVERVIEW, {"id": to_base64("Group", group.pk)})

    # then
    assert (len(data["group"]["overview"]["pupils"]), count) == (size, 9)


GUARDIAN_PAGE = """{ me { children(first: 10) { edges { node { name
    developmentPlans(filters: {term: "HT2026"}) { term state version
      overview { progress { role asked answered share } goalsByStatus { status count } startedBy { name } }
      answers { text role question { text } author { name } }
      goals { text status evaluation proposedBy { name } history { fromStatus toStatus changedBy { name } } subjects { name } }
      readConfirmations { wishes } }
    assessments(filters: {term: "HT2026"}) { text prognosis publishedAt subject { name } author { name } }
    learningLog(first: 20) { edges { node { text author { name } comments { text author { name } } images { url } } } }
} } } } }"""


@pytest.mark.parametrize("children", [1, 2])
def test_a_guardians_page_costs_the_same_for_one_or_two_children(children):
    # given: a guardian of `children` pupils in a class of ten with full pages
    _, group = class_with_pages(10)
    guardian = PupilFactory().person  # any person
    pupils = [m.pupil for m in group.memberships.order_by("pk")[:children]]
    for pupil in pupils:
        GuardianshipFactory(pupil=pupil, guardian=guardian)
    viewer = user_for(guardian)

    # when
    data, count = queries_for(viewer, GUARDIAN_PAGE)

    # then
    edges = data["me"]["children"]["edges"]
    assert len(edges) == children
    assert all(len(e["node"]["developmentPlans"][0]["goals"]) == 3 for e in edges)
    assert count == 17


@pytest.mark.parametrize("term", ["2026", "HT26", "ht2026", "HT2026 "])
def test_a_malformed_term_is_a_validation_error(pages, cast, term):
    # given
    query = "query($id: ID!, $term: String) { group(id: $id) { overview(term: $term) { term } } }"
    variables = {"id": to_base64("Group", cast.class_3a.pk), "term": term}

    # when
    result = execute(cast["teacher"], query, variables)

    # then
    assert [(e.message, e.extensions) for e in result.errors or []] == [
        ("A term is HT or VT and a year, e.g. HT2026.", {"code": "VALIDATION", "argument": "term"})
    ]


LISTS = "query($id: ID!) { group(id: $id) { classList { name guardians { name } } contactList { name guardians { name email phone address } } } }"


@pytest.mark.parametrize("size", [3, 30])
def test_class_and_contact_lists_cost_the_same_queries_for_any_class_size(size):
    # given
    teacher, group = class_with_pages(size)
    for membership in group.memberships.all():
        GuardianshipFactory(pupil=membership.pupil)

    # when
    data, count = queries_for(teacher, LISTS, {"id": to_base64("Group", group.pk)})

    # then
    assert (len(data["group"]["contactList"]), count) == (size, 6)


GROUP_PAGE = """query($id: ID!) { group(id: $id) {
    blog(first: 50) { edges { node { title author { name } images { url } } } }
    teachingPlans { title subject { name } knowledgeRequirements { code }
      matrices { title levels criteria { text levelDescriptions } } }
    school { blog(first: 50) { edges { node { title } } } } } }"""


@pytest.mark.parametrize("size", [2, 20])
def test_a_class_page_of_posts_and_plans_costs_the_same_queries_for_any_number(cast, size):
    # given: `size` class posts with a photo each, and `size` teaching plans with a matrix each
    teacher = cast["teacher"]
    for n in range(size):
        post = BlogPost.objects.create(
            kind=BlogKind.GROUP, group=cast.class_3a, author=teacher, title=f"Inlägg {n}", body="-"
        )
        BlogImage.objects.create(post=post, image="b.png", width=1, height=1)
        lpp = TeachingPlan.objects.create(
            group=cast.class_3a, subject=cast.maths, title=f"LPP {n}", content="-", author=teacher
        )
        matrix = AssessmentMatrix.objects.create(
            teaching_plan=lpp, subject=cast.maths, title="Matris", levels=["E", "C", "A"]
        )
        MatrixCriterion.objects.create(matrix=matrix, order=1, text="-", level_descriptions=["a"])

    # when
    data, count = queries_for(teacher, GROUP_PAGE, {"id": to_base64("Group", cast.class_3a.pk)})

    # then
    group = data["group"]
    assert (len(group["blog"]["edges"]), len(group["teachingPlans"]), count) == (size, size, 10)
