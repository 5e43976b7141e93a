from __future__ import annotations

import pytest
import strawberry
from django.test import Client
from graphql import GraphQLError

from schema import _extensions

pytestmark = pytest.mark.django_db
PUPILS = "{ pupils%s { edges { node { name schoolYear schoolForm } } } }"


def post(query: str):
    return Client().post("/graphql/", {"query": query}, content_type="application/json").json()


def refusal(cost: int, limit: int) -> dict[str, object]:
    message = f"The query costs {cost}, more than the limit of {limit}; ask for fewer items."
    return {
        "data": None,
        "errors": [{"message": message, "locations": [{"line": 1, "column": 1}]}],
    }


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

    schema = strawberry.Schema(query=Query, extensions=_extensions())  # type: ignore[arg-type]

    # when
    result = schema.execute_sync("{ broken refused }")

    # then
    assert [error.message for error in result.errors or []] == [
        "Unexpected error.",
        "Ask for fewer items.",
    ]
