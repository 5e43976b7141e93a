"""Limits on every request: depth, aliases, tokens, cost with variables, hints.

The cost and the ids per list are checked with the variables applied and
before any resolver runs, over HTTP and over websocket; with introspection
off, no error suggests a name of the schema.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
import strawberry
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from graphql import GraphQLError
from strawberry.relay import to_base64

from project.asgi import application
from schema import _extensions
from tests.graphql import post, reply

pytestmark = pytest.mark.django_db
PUPILS = "{ pupils%s { edges { node { name schoolYear schoolForm } } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
# Three aliases of 6,181 ids, as in the report: 3 * (1 + 6,181 * 2) = 37,089.
THREE_ALIASES = (
    "query($ids: [ID!]!) { a: nodes(ids: $ids) { ...N } b: nodes(ids: $ids) { ...N } "
    "c: nodes(ids: $ids) { ...N } } fragment N on Node { id ... on Pupil { name } }"
)


def refusal(cost: int, limit: int) -> dict[str, object]:
    message = f"The query costs {cost}, more than the limit of {limit}; ask for fewer items."
    return {
        "data": None,
        "errors": [
            {
                "message": message,
                "locations": [{"line": 1, "column": 1}],
                "extensions": {"code": "QUERY_TOO_COSTLY"},
            }
        ],
    }


def pupil_ids(count: int) -> list[str]:
    return [to_base64("Pupil", n) for n in range(1, count + 1)]


async def over_websocket(query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    await socket.connect()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()
    payload = {"query": query, "variables": variables or {}}
    await socket.send_json_to({"id": "1", "type": "subscribe", "payload": payload})
    result = await socket.receive_json_from()
    await socket.disconnect()
    return result  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("page", "cost"),
    [
        ("(first: 10)", 1 + 10 * (1 + 1 + 3)),
        ("(first: 1000)", 1 + 100 * (1 + 1 + 3)),  # capped at the page maximum
        ("", 1 + 100 * (1 + 1 + 3)),  # no page size: the maximum
    ],
)
def test_cost_is_fields_times_page_size(settings, page, cost):
    # given
    settings.GRAPHQL_MAX_COST = cost - 1

    # when / then
    assert post(PUPILS % page) == refusal(cost, cost - 1)


def test_a_query_at_the_limit_runs(settings):
    # given
    settings.GRAPHQL_MAX_COST = 51

    # when / then
    assert post(PUPILS % "(first: 10)") == {"data": {"pupils": {"edges": []}}}


def test_fragments_count_like_the_fields_they_hold(settings):
    # given
    settings.GRAPHQL_MAX_COST = 50
    query = "{ pupils(first: 10) { edges { node { ...P } } } } fragment P on Pupil { name schoolYear schoolForm }"

    # when / then
    assert post(query) == refusal(51, 50)


def test_a_page_size_from_a_variable_is_costed_at_its_value(settings):
    # given
    settings.GRAPHQL_MAX_COST = 50
    query = (
        "query($n: Int) { pupils(first: $n) { edges { node { name schoolYear schoolForm } } } }"
    )

    # when / then: 1 + 10 * 5, not the page maximum
    assert post(query, {"n": 10}) == refusal(51, 50)


def test_ids_from_a_variable_are_costed_at_their_length_and_nothing_runs(cast):
    # given
    variables = {"ids": pupil_ids(6181)}

    # when
    with CaptureQueriesContext(connection) as queries:
        answer = reply(cast["teacher"], THREE_ALIASES, variables)

    # then
    assert answer == {"data": None, "errors": refusal(37_089, 25_000)["errors"]}
    assert [q["sql"] for q in queries.captured_queries] == []


def test_the_cost_of_a_list_of_ids_is_its_length(settings):
    # given
    settings.GRAPHQL_MAX_COST = 6181

    # when / then: 1 + 6,181 * 1
    assert post(NODES, {"ids": pupil_ids(6181)}) == refusal(6182, 6181)


@pytest.mark.parametrize("ids", [pupil_ids(101), pupil_ids(6181)])
def test_more_than_a_page_of_ids_is_refused(ids):
    # when / then
    assert post(NODES, {"ids": ids}) == {
        "data": None,
        "errors": [
            {
                "message": f"nodes(ids:) takes at most 100 ids, not {len(ids)}; "
                "ask for fewer items.",
                "locations": [{"line": 1, "column": 23}],
                "extensions": {"code": "QUERY_TOO_COSTLY", "argument": "ids"},
            }
        ],
    }


def test_more_than_a_page_of_ids_written_out_is_refused():
    # given
    query = "{ nodes(ids: [%s]) { id } }" % ", ".join(f'"{i}"' for i in pupil_ids(101))  # noqa: UP031

    # when / then
    assert post(query)["errors"][0]["extensions"] == {
        "code": "QUERY_TOO_COSTLY",
        "argument": "ids",
    }


def test_a_page_of_ids_is_answered():
    # when / then: the ids are well formed; none is visible to nobody
    assert post(NODES, {"ids": pupil_ids(100)}) == {"data": {"nodes": [None] * 100}}


def test_a_fragment_spread_again_and_again_is_costed_once():
    # given: F30 spreads F29 twice, ... F1 spreads F0 twice: 2**30 fields
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 31)
    )
    query = "{ ...F30 } fragment F0 on Query { apiVersion } " + fragments

    # when / then
    assert post(query) == refusal(2**30, 25_000)


@pytest.mark.django_db(transaction=True)
async def test_the_cost_is_refused_over_websocket():
    # when
    result = await over_websocket(THREE_ALIASES, {"ids": pupil_ids(6181)})

    # then: refused before execution, so an `error` message (graphql-transport-ws)
    assert result == {"id": "1", "type": "error", "payload": refusal(37_089, 25_000)["errors"]}


def test_a_refusal_is_not_logged_as_an_error(caplog):
    # when
    with caplog.at_level(logging.DEBUG):
        post(NODES, {"ids": pupil_ids(101)})

    # then
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_the_default_limit_lets_a_full_page_through():
    # when / then
    assert post(PUPILS % "(first: 100)") == {"data": {"pupils": {"edges": []}}}


def test_a_query_too_deep_is_refused(settings):
    # given
    settings.GRAPHQL_MAX_DEPTH = 2

    # when
    errors = post(PUPILS % "")["errors"]

    # then: one error per field below the limit
    too_deep = "'anonymous' exceeds maximum operation depth of 2"
    assert errors == [
        {"message": too_deep, "locations": [{"line": 1, "column": c}]} for c in (27, 32, 43)
    ]


def test_too_many_aliases_are_refused():
    # given
    query = "{ " + " ".join(f"a{i}: apiVersion" for i in range(16)) + " }"

    # when / then
    assert post(query)["errors"] == [{"message": "16 aliases found. Allowed: 15"}]


def test_too_many_tokens_are_refused():
    # given
    query = "{ " + " apiVersion" * 2000 + " }"

    # when / then
    assert post(query)["errors"] == [
        {
            "message": "Syntax Error: Document contains more than 2000 tokens. Parsing aborted.",
            "locations": [{"line": 1, "column": 21993}],
        }
    ]


def test_a_batch_of_operations_is_refused():
    # when
    response = Client().post(
        "/graphql/", [{"query": "{ apiVersion }"}] * 2, content_type="application/json"
    )

    # then
    assert response.status_code == 400


def test_unexpected_errors_are_masked_and_client_errors_are_not(settings):
    # given
    settings.DEBUG = False

    @strawberry.type
    class Query:
        @strawberry.field
        def broken(self) -> str | None:
            raise KeyError("secret detail")

        @strawberry.field
        def refused(self) -> str | None:
            raise GraphQLError("Ask for fewer items.")

    schema = strawberry.Schema(query=Query, extensions=_extensions())

    # when
    result = schema.execute_sync("{ broken refused }")

    # then
    assert [error.message for error in result.errors or []] == [
        "Unexpected error.",
        "Ask for fewer items.",
    ]


GOAL_STATUS = (
    "mutation($i: GoalStatusChangeInput!) { goalStatusChange(input: $i) { errors { code } } }"
)
HINTED = [
    # (query, variables, the message with introspection off; on, it ends in a hint)
    ("{ pupills { name } }", None, "Cannot query field 'pupills' on type 'Query'."),
    (
        "{ pupils(frist: 1) { edges { cursor } } }",
        None,
        "Unknown argument 'frist' on field 'Query.pupils'.",
    ),
    ('{ node(id: "x") { ... on Pupill { name } } }', None, "Unknown type 'Pupill'."),
    (
        (
            'mutation { goalStatusChange(input: {goalId: "x", version: 1, status: DONNE}) '
            "{ errors { code } } }"
        ),
        None,
        "Value 'DONNE' does not exist in 'GoalStatus' enum.",
    ),
    (
        GOAL_STATUS,
        {"i": {"goalId": "x", "version": 1, "status": "DONNE"}},
        (
            "Variable '$i' has invalid value at .status: "
            "Value 'DONNE' does not exist in 'GoalStatus' enum."
        ),
    ),
]


@pytest.mark.parametrize(("query", "variables", "message"), HINTED)
def test_no_error_hints_at_the_schema_when_introspection_is_off(
    settings, query, variables, message
):
    # given
    settings.GRAPHQL_INTROSPECTION = False

    # when / then
    assert [e["message"] for e in post(query, variables)["errors"]] == [message]


@pytest.mark.parametrize(("query", "variables", "message"), HINTED)
def test_errors_hint_at_names_when_introspection_is_on(query, variables, message):
    # when
    errors = post(query, variables)["errors"]

    # then
    assert [
        (e["message"].startswith(message[:-1]), "Did you mean" in e["message"]) for e in errors
    ] == [(True, True)]


@pytest.mark.django_db(transaction=True)
async def test_no_error_hints_at_the_schema_over_websocket_when_introspection_is_off(settings):
    # given
    settings.GRAPHQL_INTROSPECTION = False

    # when
    result = await over_websocket("{ pupills { name } }")

    # then
    assert result["payload"] == [
        {
            "message": "Cannot query field 'pupills' on type 'Query'.",
            "locations": [{"line": 1, "column": 3}],
        }
    ]


def test_introspection_is_refused_when_it_is_off(settings):
    # given
    settings.GRAPHQL_INTROSPECTION = False

    # when
    errors = post("{ __schema { queryType { name } } }")["errors"]

    # then
    assert [e["message"] for e in errors] == [
        "GraphQL introspection has been disabled, but the requested query contained the field '__schema'.",
        "GraphQL introspection has been disabled, but the requested query contained the field 'queryType'.",
    ]
