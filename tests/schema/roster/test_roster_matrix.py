"""Who sees which pupils, groups and schools, through every path of the API.

Each path runs with strawberry-django's optimizer on and off; expected sets
are the exact visibility sets of tests/cast.py, as tests/permissions/test_matrix.py
checks them against the relations.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from tests.cast import MEMBERS, VISIBLE_GROUPS, VISIBLE_PUPILS, VISIBLE_SCHOOLS
from tests.factories import teacher_of_class
from tests.graphql import SCHEMAS, execute, run

pytestmark = pytest.mark.django_db


def first_names(names: list[str]) -> set[str]:
    return {name.split()[0] for name in names}


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_pupils_list(cast, schema_name, member):
    # when
    data = run(cast[member], "{ pupils { edges { node { name } } } }", schema_name=schema_name)

    # then
    assert (
        first_names([e["node"]["name"] for e in data["pupils"]["edges"]]) == VISIBLE_PUPILS[member]
    )


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_node_by_id_answers_hidden_like_missing(cast, schema_name, member):
    # given
    ids = [to_base64("Pupil", p.pk) for p in (cast.alva, cast.elis, cast.nora, cast.omar)] + [
        to_base64("Pupil", 0)
    ]

    # when
    one = {
        pid: run(
            cast[member],
            "query($id: ID!) { node(id: $id) { ... on Pupil { name } } }",
            {"id": pid},
            schema_name=schema_name,
        )["node"]
        for pid in ids
    }
    many = run(
        cast[member],
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Pupil { name } } }",
        {"ids": ids},
        schema_name=schema_name,
    )["nodes"]
    direct = [
        run(
            cast[member],
            "query($id: ID!) { pupil(id: $id) { name } }",
            {"id": pid},
            schema_name=schema_name,
        )["pupil"]
        for pid in ids
    ]

    # then
    seen_one = first_names([n["name"] for n in one.values() if n])
    assert seen_one == VISIBLE_PUPILS[member]
    assert [n and n["name"] for n in many] == [n and n["name"] for n in one.values()]
    assert direct == list(one.values())
    assert one[to_base64("Pupil", 0)] is None


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_groups_and_schools_lists(cast, schema_name, member):
    # when
    data = run(
        cast[member],
        "{ groups { edges { node { name } } } schools { edges { node { name } } } }",
        schema_name=schema_name,
    )

    # then
    assert {e["node"]["name"] for e in data["groups"]["edges"]} == VISIBLE_GROUPS[member]
    assert {e["node"]["name"] for e in data["schools"]["edges"]} == VISIBLE_SCHOOLS[member]


@pytest.mark.parametrize("schema_name", SCHEMAS)
def test_a_group_id_cannot_open_a_hidden_group(cast, schema_name):
    # given
    hidden = to_base64("Group", cast.class_3b.pk)

    # when
    data = run(
        cast["guardian"],
        "query($id: ID!) { group(id: $id) { name } node(id: $id) { id } }",
        {"id": hidden},
        schema_name=schema_name,
    )

    # then
    assert data == {"group": None, "node": None}


def test_a_connection_refuses_more_than_100_at_once(cast):
    # when
    result = execute(cast["principal"], "{ pupils(first: 101) { edges { node { name } } } }")

    # then
    assert [e.message for e in result.errors or []] == [
        "Argument 'first' cannot be higher than 100."
    ]


@pytest.mark.parametrize("size", [3, 30])
def test_the_pupil_list_costs_the_same_queries_for_any_class_size(size):
    # given
    teacher = teacher_of_class(size)

    # when
    with CaptureQueriesContext(connection) as queries:
        data = run(
            teacher,
            "{ pupils(first: 100) { totalCount edges { node { id name schoolYear } } } }",
        )

    # then
    assert (len(data["pupils"]["edges"]), len(queries)) == (size, 1), "\n".join(
        q["sql"] for q in queries
    )


ME = "{ me { roles children { edges { node { name } } } groups { edges { node { name } } } schools { edges { node { name } } } } }"


@pytest.mark.parametrize(
    ("member", "roles", "children"),
    [
        ("guardian", ["GUARDIAN"], {"Alva"}),
        ("pupil", ["PUPIL"], set()),
        ("mentor", ["TEACHER", "MENTOR"], set()),
        ("principal", ["PRINCIPAL"], set()),
        ("analytics", ["ANALYTICS"], set()),
        ("stranger", [], set()),
    ],
)
def test_me_names_roles_children_groups_and_schools(cast, member, roles, children):
    # when
    me = run(cast[member], ME)["me"]

    # then
    assert me["roles"] == roles
    assert first_names([e["node"]["name"] for e in me["children"]["edges"]]) == children
    assert {e["node"]["name"] for e in me["groups"]["edges"]} == VISIBLE_GROUPS[member]
    assert {e["node"]["name"] for e in me["schools"]["edges"]} == VISIBLE_SCHOOLS[member]


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_a_groups_pupils_are_only_those_whose_page_the_viewer_reads(cast, schema_name, member):
    # when
    data = run(
        cast[member],
        "{ groups(first: 10) { edges { node { pupils { edges { node { name } } } } } } }",
        schema_name=schema_name,
    )

    # then: every visible pupil is in a visible group, except for a share
    names = [
        p["node"]["name"] for g in data["groups"]["edges"] for p in g["node"]["pupils"]["edges"]
    ]
    assert first_names(names) == (set() if member == "shared" else VISIBLE_PUPILS[member])


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", MEMBERS)
def test_a_groups_school_is_one_the_viewer_may_see(cast, schema_name, member):
    # when
    data = run(
        cast[member], "{ groups { edges { node { school { name } } } } }", schema_name=schema_name
    )

    # then
    schools = {g["node"]["school"]["name"] for g in data["groups"]["edges"]}
    assert schools == (VISIBLE_SCHOOLS[member] if VISIBLE_GROUPS[member] else set())
