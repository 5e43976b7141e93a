"""A bad page size, cursor or global id is the client's mistake, not a fault.

Each is answered as in production (DEBUG off, errors masked): a field error
of code VALIDATION naming the argument, the field null, the rest answered,
HTTP 200, nothing logged as an error. Nested fields are checked with the
optimizer on and off. A test that the mask is on: tests/schema/test_reporting.py.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.test import Client, override_settings
from strawberry.relay import to_base64

from project.asgi import application
from schema import _extensions, schema
from tests.graphql import over_http, reply

pytestmark = pytest.mark.django_db
CURSOR = "after is not a valid cursor; pass one from pageInfo or an edge."


@pytest.fixture(autouse=True)
def _as_in_production(monkeypatch):
    """The schema's extensions as DEBUG=0 builds them: unexpected errors masked."""
    with override_settings(DEBUG=False):
        extensions = tuple(_extensions())
    monkeypatch.setattr(schema, "extensions", extensions)


def bad(argument: str, message: str, path: list[Any], column: int = 3) -> dict[str, Any]:
    return {
        "message": message,
        "locations": [{"line": 1, "column": column}],
        "path": path,
        "extensions": {"code": "VALIDATION", "argument": argument},
    }


def b64(text: str) -> str:
    return to_base64(*text.split(":", 1))


@pytest.mark.parametrize(
    ("query", "data", "argument", "message"),
    [
        ('{ schools(after: "n") { edges { cursor } } }', None, "after", CURSOR),
        (
            '{ schools(before: "%s") { edges { cursor } } }' % b64("arrayconnection:x"),  # noqa: UP031
            None,
            "before",
            "before is not a valid cursor; pass one from pageInfo or an edge.",
        ),
        (
            '{ pupils(after: "%s") { edges { cursor } } }' % b64("Pupil:1"),  # noqa: UP031
            None,
            "after",
            CURSOR,
        ),
        (
            '{ groups(after: "%s") { edges { cursor } } }' % b64("arrayconnection:-5"),  # noqa: UP031
            None,
            "after",
            CURSOR,
        ),
        (
            '{ groups(after: "%s") { edges { cursor } } }' % b64("arrayconnection:" + "9" * 20),  # noqa: UP031
            None,
            "after",
            CURSOR,
        ),
        (
            "{ notices(last: 500) { edges { cursor } } }",
            None,
            "last",
            "Argument 'last' cannot be higher than 100.",
        ),
        (
            "{ pupils(first: -1) { edges { cursor } } }",
            None,
            "first",
            "Argument 'first' must be a non-negative integer.",
        ),
        (
            "{ groups(first: 101) { edges { cursor } } }",
            None,
            "first",
            "Argument 'first' cannot be higher than 100.",
        ),
        ('{ node(id: "") { id } }', {"node": None}, "id", "id is not a global id of this API."),
        (
            '{ node(id: "eA==") { id } }',
            {"node": None},
            "id",
            "id is not a global id of this API.",
        ),
        (
            '{ node(id: "%s") { id } }' % b64("Foo:1"),  # noqa: UP031
            {"node": None},
            "id",
            "id is not a global id of this API.",
        ),
        (
            '{ node(id: "%s") { id } }' % b64("Viewer:1"),  # noqa: UP031 - not a Node
            {"node": None},
            "id",
            "id is not a global id of this API.",
        ),
        (
            '{ pupil(id: "%s") { id } }' % b64("Pupil:1.5"),  # noqa: UP031
            {"pupil": None},
            "id",
            "id is not a global id of this API.",
        ),
        (
            '{ group(id: "%s") { id } }' % b64("Group:" + "9" * 20),  # noqa: UP031
            {"group": None},
            "id",
            "id is not a global id of this API.",
        ),
        (
            '{ nodes(ids: ["%s", ""]) { id } }' % b64("Pupil:1"),  # noqa: UP031
            None,
            "ids",
            "ids[1] is not a global id of this API.",
        ),
    ],
)
def test_a_bad_argument_is_a_typed_field_error(query, data, argument, message):
    # when
    answer = reply(AnonymousUser(), query)

    # then
    field = query[2 : query.index("(")]
    assert answer == {"data": data, "errors": [bad(argument, message, [field])]}


def test_a_bad_argument_from_a_variable_is_a_typed_field_error():
    # when
    answer = reply(
        AnonymousUser(),
        "query($c: String) { schools(after: $c) { edges { cursor } } }",
        {"c": "n"},
    )

    # then
    assert answer == {"data": None, "errors": [bad("after", CURSOR, ["schools"], column=21)]}


def test_the_other_fields_are_answered():
    # when / then
    assert reply(AnonymousUser(), '{ apiVersion node(id: "") { id } }') == {
        "data": {"apiVersion": "0.1.0", "node": None},
        "errors": [bad("id", "id is not a global id of this API.", ["node"], column=14)],
    }


@pytest.mark.parametrize("optimizer", ["on", "off"])
@pytest.mark.parametrize(
    ("field", "argument", "message"),
    [
        ('learningLog(after: "zz") { edges { cursor } }', "after", CURSOR),
        (
            "privateBlog(first: 500) { edges { cursor } }",
            "first",
            "Argument 'first' cannot be higher than 100.",
        ),
        (
            'assessments(filters: {OR: {subject: "eA=="}}) { id }',
            "filters",
            "filters.OR.subject is not a global id of this API.",
        ),
    ],
)
def test_a_bad_argument_of_a_nested_field_is_that_fields_error(
    cast, optimizer, field, argument, message
):
    # given
    query = "{ pupils(first: 1) { edges { node { %s } } } }" % field  # noqa: UP031

    # when
    answer = reply(cast["teacher"], query, schema_name=f"optimizer {optimizer}")

    # then
    path = ["pupils", "edges", 0, "node", field[: field.index("(")]]
    assert answer == {"data": None, "errors": [bad(argument, message, path, column=37)]}


@pytest.mark.parametrize(
    ("query", "data"),
    [
        ("{ pupils(first: 0) { edges { cursor } } }", {"pupils": {"edges": []}}),
        ("{ pupils(last: 100) { edges { cursor } } }", {"pupils": {"edges": []}}),
        (
            '{ pupils(after: "%s") { edges { cursor } } }' % b64("arrayconnection:7"),  # noqa: UP031
            {"pupils": {"edges": []}},
        ),
        ('{ node(id: "%s") { id } }' % b64("Pupil:0"), {"node": None}),  # noqa: UP031 - missing
        ('{ pupil(id: "%s") { id } }' % b64("Group:1"), {"pupil": None}),  # noqa: UP031
    ],
)
def test_good_arguments_are_answered(query, data):
    # when / then
    assert reply(AnonymousUser(), query) == {"data": data}


def test_a_cursor_from_a_page_turns_the_page(cast):
    # given
    first = reply(cast["teacher"], "{ pupils(first: 1) { edges { cursor node { name } } } }")[
        "data"
    ]["pupils"]["edges"][0]

    # when
    answer = reply(
        cast["teacher"],
        "query($c: String) { pupils(first: 1, after: $c) { edges { node { name } } } }",
        {"c": first["cursor"]},
    )

    # then
    assert [e["node"]["name"] for e in answer["data"]["pupils"]["edges"]] != [
        first["node"]["name"]
    ]
    assert "errors" not in answer


def test_a_bad_argument_is_answered_200_over_http():
    # when
    response = over_http(Client(), '{ schools(after: "n") { edges { cursor } } }')

    # then
    assert (response.status_code, response.json()) == (
        200,
        {"data": None, "errors": [bad("after", CURSOR, ["schools"])]},
    )


@pytest.mark.django_db(transaction=True)
async def test_a_bad_argument_is_a_typed_error_over_websocket():
    # given
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    await socket.connect()
    await socket.send_json_to({"type": "connection_init"})
    await socket.receive_json_from()

    # when
    await socket.send_json_to(
        {"id": "1", "type": "subscribe", "payload": {"query": '{ node(id: "") { id } }'}}
    )
    result = await socket.receive_json_from()
    await socket.disconnect()

    # then
    assert result == {
        "id": "1",
        "type": "next",
        "payload": {
            "data": {"node": None},
            "errors": [bad("id", "id is not a global id of this API.", ["node"])],
        },
    }


def test_a_bad_argument_is_not_logged_as_an_error(caplog):
    # when
    with caplog.at_level(logging.DEBUG):
        reply(AnonymousUser(), '{ notices(last: 500) { edges { cursor } } node(id: "") { id } }')

    # then
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
