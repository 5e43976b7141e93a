"""Who reads which part of a pupil's page, through every path of the API.

Every object of the `pages` fixture is asked for by `node`, by `nodes`, and
through the nested lists front ends use (pupils, groups, schools and what
hangs below them), with the optimizer on and off. Each path must show each
cast member exactly the expected labels.

The low-assurance column, at the end: each member signed in with a password
(low assurance). Where the organiser asks for strong login (the default),
every part of a pupil's page is left out, the blogs, documentation, teaching
plans and the rest are read as before, and the answer carries one
STRONG_AUTH_REQUIRED error saying where to step up. Where the organiser
relaxes it, a password reads what a strong sign-in does.
"""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.relay import to_base64

from core.models import Organisation
from permissions.assurance import Assurance
from tests.cast import MEMBERS, POSTS, VISIBLE_PUPILS
from tests.graphql import SCHEMAS, reply, run

pytestmark = pytest.mark.django_db

PAGE_KINDS = ("plan", "answer", "goal", "history", "published", "log", "comment", "logimage")
DRAFT_READERS = {
    "teacher": {"Alva", "Elis"},
    "mentor": {"Alva", "Elis"},
    "other_teacher": {"Nora"},
}
CLASS_3A = {"pupil", "guardian", "teacher", "mentor", "principal", "school_admin"}


def expected(member: str) -> set[str]:
    pupils = VISIBLE_PUPILS[member] & {"Alva", "Elis", "Nora"}  # Omar has no page content
    labels = {f"{kind}:{name}" for kind in PAGE_KINDS for name in pupils}
    labels |= {f"draft:{name}" for name in DRAFT_READERS.get(member, set())}
    labels |= {f"mark:{name}" for name in pupils & {"Alva", "Elis"}}
    labels |= {
        f"{kind}:{owner}" for owner in POSTS.get(member, set()) for kind in ("post", "photo")
    }
    if member in CLASS_3A:
        labels |= {"lpp:3A", "matrix:3A", "criterion:3A"}
    if pupils & {"Alva", "Elis"}:  # a readable mark opens its matrix
        labels |= {"matrix:3A", "criterion:3A"}
    return labels


NESTED = """{
  pupils(first: 10) { edges { node {
    developmentPlans { id answers { id } goals { id plan { id } history { id } } }
    assessments { id }
    learningLog(first: 10) { edges { node { id comments { id } images { id url } } } }
    matrixMarks { id criterion { id matrix { id } } }
    privateBlog(first: 10) { edges { node { id images { id } } } }
  } } }
  groups(first: 10) { edges { node {
    blog(first: 10) { edges { node { id images { id } } } }
    documentation(first: 10) { edges { node { id images { id } } } }
    teachingPlans { id matrices { id criteria { id } } }
  } } }
  schools(first: 10) { edges { node { blog(first: 10) { edges { node { id images { id } } } } } } }
}"""


def ids_in(data: Any) -> set[str]:
    """Every `id` anywhere in a response."""
    if isinstance(data, dict):
        found = {data["id"]} if "id" in data else set()
        return found.union(*(ids_in(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(ids_in(v) for v in data))
    return set()


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_node_and_nodes_show_exactly_the_readable_objects(pages, cast, schema_name, member):
    # given
    ids = list(pages.labels)

    # when
    many = run(
        cast[member],
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": ids},
        schema_name=schema_name,
    )
    one = [
        run(
            cast[member],
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": gid},
            schema_name=schema_name,
        )["node"]
        for gid in ids
    ]

    # then
    assert {pages.labels[n["id"]] for n in many["nodes"] if n} == expected(member)
    assert one == many["nodes"]


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_nested_lists_show_exactly_the_readable_objects(pages, cast, schema_name, member):
    # when
    data = run(cast[member], NESTED, schema_name=schema_name)

    # then
    assert {pages.labels[i] for i in ids_in(data) if i in pages.labels} == expected(member)


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize(
    ("member", "seen"), [("guardian", []), ("mentor", ["draft:Alva", "draft:Elis"])]
)
def test_a_filter_cannot_reach_a_draft(pages, cast, schema_name, member, seen):
    # given
    query = """query($subject: ID!) { pupils { edges { node {
        assessments(filters: {subject: $subject, term: "HT2026"}) { id } } } } }"""
    swedish = to_base64("Subject", cast.swedish.pk)

    # when
    data = run(cast[member], query, {"subject": swedish}, schema_name=schema_name)

    # then
    labels = [pages.labels[i] for i in sorted(ids_in(data))]
    assert labels == seen


@pytest.mark.parametrize("schema_name", SCHEMAS)
def test_a_goal_leads_to_its_pupil_and_no_further(pages, cast, schema_name):
    # given
    goal = pages.ids("goal")[0]

    # when
    data = run(
        cast["guardian"],
        "query($id: ID!) { node(id: $id) { ... on Goal { plan { pupil { name } } } } }",
        {"id": next(g for g in pages.ids("goal") if pages.labels[g] == "goal:Alva")},
        schema_name=schema_name,
    )
    hidden = run(
        cast["guardian"],
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": goal if pages.labels[goal] != "goal:Alva" else pages.ids("goal")[1]},
        schema_name=schema_name,
    )

    # then
    assert data == {"node": {"plan": {"pupil": {"name": "Alva Elev"}}}}
    assert hidden == {"node": None}


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_templates_and_sections_are_for_anyone_signed_in(pages, cast, schema_name, member):
    # given
    query = "{ pupils(first: 1) { edges { node { developmentPlans { template { id } } } } } }"
    template = run(cast["teacher"], query, schema_name=schema_name)["pupils"]["edges"][0]["node"]
    template_id = template["developmentPlans"][0]["template"]["id"]
    section_query = (
        "query($id: ID!) { node(id: $id) { ... on PlanTemplate { sections { id title } } } }"
    )

    # when
    data = run(cast[member], section_query, {"id": template_id}, schema_name=schema_name)

    # then
    if member == "anonymous":
        assert data == {"node": None}
    else:
        [section] = data["node"]["sections"]
        assert section["title"] == "Om mig"
        node = run(
            cast[member],
            "query($id: ID!) { node(id: $id) { id } }",
            {"id": section["id"]},
            schema_name=schema_name,
        )
        assert node == {"node": {"id": section["id"]}}


LOW = Assurance.LOW
# What a password never reads where strong login is required.
STRONG_ONLY = {*PAGE_KINDS, "draft", "mark"}
PRIVATE_BLOG = {"post:Alva", "photo:Alva"}
STEP_UP = {
    "message": "Sign in with e-legitimation (for example BankID) to read or change a pupil's "
    "page; a password is not enough.",
    "extensions": {"code": "STRONG_AUTH_REQUIRED", "stepUp": "/login/?strong=1"},
}


def expected_low(member: str) -> set[str]:
    labels = {
        label
        for label in expected(member)
        if label.split(":")[0] not in STRONG_ONLY and label not in PRIVATE_BLOG
    }
    if member not in CLASS_3A:  # their matrix was opened by a mark only
        labels -= {"matrix:3A", "criterion:3A"}
    return labels


def told(member: str) -> list[dict[str, Any]]:
    """The errors a member's low session gets: one, when a page was left out."""
    return [STEP_UP] if member != "anonymous" and VISIBLE_PUPILS[member] else []


def labels_of(pages: Any, answer: dict[str, Any]) -> set[str]:
    return {pages.labels[i] for i in ids_in(answer["data"]) if i in pages.labels}


def located(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k in ("message", "extensions")} for e in errors]


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_a_password_reads_no_page_by_node_or_nodes(pages, cast, schema_name, member):
    # given
    ids = list(pages.labels)

    # when
    many = reply(
        cast[member],
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": ids},
        schema_name=schema_name,
        assurance=LOW,
    )
    plan = next(i for i, label in pages.labels.items() if label == "plan:Alva")
    one = reply(
        cast[member],
        "query($id: ID!) { node(id: $id) { id } }",
        {"id": plan},
        schema_name=schema_name,
        assurance=LOW,
    )

    # then
    assert labels_of(pages, many) == expected_low(member)
    assert located(many.get("errors", [])) == told(member)
    assert one["data"] == {"node": None}
    assert located(one.get("errors", [])) == told(member)


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_a_password_reads_no_page_in_nested_lists(pages, cast, schema_name, member):
    # when
    answer = reply(cast[member], NESTED, schema_name=schema_name, assurance=LOW)

    # then
    assert labels_of(pages, answer) == expected_low(member)
    assert located(answer.get("errors", [])) == told(member)


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_an_organiser_that_relaxes_strong_login_opens_its_pages_to_a_password(
    pages, cast, schema_name, member
):
    # given
    Organisation.objects.update(strong_login_required=False)

    # when
    answer = reply(cast[member], NESTED, schema_name=schema_name, assurance=LOW)
    many = reply(
        cast[member],
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": list(pages.labels)},
        schema_name=schema_name,
        assurance=LOW,
    )

    # then
    assert labels_of(pages, answer) == expected(member)
    assert labels_of(pages, many) == expected(member)
    assert "errors" not in answer
    assert "errors" not in many


@pytest.mark.parametrize("member", MEMBERS)
def test_a_strong_sign_in_reads_the_whole_page(pages, cast, member):
    # when
    answer = reply(cast[member], NESTED, assurance=Assurance.SUBSTANTIAL)

    # then
    assert labels_of(pages, answer) == expected(member)
    assert "errors" not in answer
