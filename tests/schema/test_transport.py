from __future__ import annotations

import json

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from project.asgi import application
from tests.factories import PersonFactory, user_for

pytestmark = pytest.mark.django_db(transaction=True)

GRAPHQL_RESPONSE = "application/graphql-response+json"
ANSWERED_AS_GRAPHQL = "application/graphql-response+json; charset=utf-8"
ANSWERED_AS_JSON = "application/json; charset=utf-8"
# Requests refused before anything executes: the body, the error GraphQL answers.
SYNTAX = (
    '{"query": "{"}',
    {
        "message": "Syntax Error: Expected Name, found <EOF>.",
        "locations": [{"line": 1, "column": 2}],
    },
)
INVALID = (
    '{"query": "{ apiVersion { x } }"}',
    {
        "message": "Field 'apiVersion' must not have a selection since type 'String!' has no subfields.",
        "locations": [{"line": 1, "column": 14}],
    },
)
UNCOERCIBLE = (
    '{"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": null}}',
    {
        "message": "Variable '$id' has invalid value: Expected value of non-null type 'ID!' not to be None.",
        "locations": [{"line": 1, "column": 7}],
    },
)
UNKNOWN_OPERATION = (
    '{"query": "query A { apiVersion }", "operationName": "B"}',
    {"message": 'Unknown operation named "B".'},
)
NO_QUERY = '{"qeury": "{ apiVersion }"}', {"message": "No GraphQL query found in the request"}
NOT_JSON = '{"query": ', {"message": "Unable to parse request body as JSON"}


def answer(response):
    """Status, Content-Type and decoded body: what a client sees."""
    return response.status_code, response["Content-Type"], json.loads(response.content)


def test_typename_over_http_post(client):
    # when
    response = client.post(
        "/graphql/", {"query": "{ __typename }"}, content_type="application/json"
    )

    # then
    assert (response.status_code, response.json()) == (200, {"data": {"__typename": "Query"}})


def test_typename_over_http_get(client):
    # when
    response = client.get("/graphql/", {"query": "{ apiVersion }"})

    # then
    assert (response.status_code, response.json()) == (200, {"data": {"apiVersion": "0.1.0"}})


async def test_typename_over_graphql_transport_ws():
    # given
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])
    connected, protocol = await socket.connect()
    await socket.send_json_to({"type": "connection_init"})
    ack = await socket.receive_json_from()

    # when
    await socket.send_json_to(
        {"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}}
    )
    result = await socket.receive_json_from()
    complete = await socket.receive_json_from()
    await socket.disconnect()

    # then
    assert (connected, protocol, ack) == (True, "graphql-transport-ws", {"type": "connection_ack"})
    assert result == {"id": "1", "type": "next", "payload": {"data": {"__typename": "Query"}}}
    assert complete == {"id": "1", "type": "complete"}


async def test_the_legacy_graphql_ws_protocol_is_refused():
    # given
    socket = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-ws"])

    # when
    await socket.connect()
    closed = await socket.receive_output()

    # then
    assert closed == {
        "type": "websocket.close",
        "code": 4406,
        "reason": "Subprotocol not acceptable",
    }


async def test_a_socket_from_a_foreign_site_is_refused():
    # given
    socket = WebsocketCommunicator(
        application,
        "/graphql/",
        subprotocols=["graphql-transport-ws"],
        headers=[(b"origin", b"https://evil.example.com"), (b"host", b"127.0.0.1")],
    )

    # when
    connected, _ = await socket.connect()

    # then
    assert connected is False


def test_graphiql_is_served_in_debug(client, settings):
    # when
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")

    # then
    assert (response.status_code, b"graphiql" in response.content.lower()) == (200, True)


def test_a_post_with_a_session_cookie_needs_a_csrf_token():
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = "abc"

    # when
    response = browser.post(
        "/graphql/", {"query": "{ __typename }"}, content_type="application/json"
    )

    # then
    assert (response.status_code, response.json()) == (
        403,
        {"errors": [{"message": "CSRF check failed: CSRF cookie not set."}]},
    )


def test_a_post_with_session_and_csrf_token_is_served():
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = "abc"
    browser.cookies["csrftoken"] = "a" * 32

    # when
    response = browser.post(
        "/graphql/",
        {"query": "{ __typename }"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="a" * 32,
    )

    # then
    assert (response.status_code, response.json()) == (200, {"data": {"__typename": "Query"}})


def test_a_post_without_cookies_needs_no_csrf_token():
    # given
    app = Client(enforce_csrf_checks=True)

    # when
    response = app.post("/graphql/", {"query": "{ __typename }"}, content_type="application/json")

    # then
    assert response.status_code == 200


def test_a_mutation_over_get_is_405_as_graphql_over_http_says(client):
    # when
    response = client.get("/graphql/", {"query": "mutation { logout { ok } }"})

    # then
    assert (response.status_code, response["Allow"], response.json()) == (
        405,
        "POST",
        {"errors": [{"message": "Mutations must be sent with POST."}]},
    )


def test_a_syntax_error_over_get_is_an_error_body_not_a_405(client):
    # application/json responses may answer 200 with errors (GraphQL over
    # HTTP, "legacy" media type); only mutations are refused by method.
    # when
    response = client.get("/graphql/", {"query": "{ apiVersion "})

    # then
    assert (response.status_code, response.json()["errors"][0]["message"]) == (
        200,
        "Syntax Error: Expected Name, found <EOF>.",
    )


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (None, ANSWERED_AS_JSON),
        ("*/*", ANSWERED_AS_JSON),
        ("application/json", ANSWERED_AS_JSON),
        (GRAPHQL_RESPONSE, ANSWERED_AS_GRAPHQL),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", ANSWERED_AS_GRAPHQL),
    ],
)
def test_the_answer_is_in_the_media_type_the_client_accepts(client, accept, content_type):
    # given
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}

    # when
    response = client.post(
        "/graphql/", {"query": "{ apiVersion }"}, content_type="application/json", **headers
    )

    # then
    assert answer(response) == (200, content_type, {"data": {"apiVersion": "0.1.0"}})
    assert "Accept" in response["Vary"].split(", ")


@pytest.mark.parametrize(
    ("body", "error"), [SYNTAX, INVALID, UNCOERCIBLE, UNKNOWN_OPERATION, NO_QUERY, NOT_JSON]
)
def test_a_request_error_is_400_without_data_under_graphql_response_json(client, body, error):
    # when
    response = client.post(
        "/graphql/", body, content_type="application/json", HTTP_ACCEPT=GRAPHQL_RESPONSE
    )

    # then
    assert answer(response) == (400, ANSWERED_AS_GRAPHQL, {"errors": [error]})


@pytest.mark.parametrize(
    ("body", "error", "status", "data"),
    [
        (*SYNTAX, 200, {"data": None}),
        (*INVALID, 200, {"data": None}),
        (*UNCOERCIBLE, 200, {"data": None}),
        (*UNKNOWN_OPERATION, 400, {}),
        (*NO_QUERY, 400, {}),
        (*NOT_JSON, 400, {}),
    ],
)
def test_application_json_keeps_the_legacy_status_codes(client, body, error, status, data):
    # GraphQL over HTTP, application/json: 200 once the body is a
    # well-formed GraphQL request, whatever GraphQL then says of it.
    # when
    response = client.post("/graphql/", body, content_type="application/json")

    # then
    assert answer(response) == (status, ANSWERED_AS_JSON, {**data, "errors": [error]})


def test_a_field_error_is_200_with_data_under_graphql_response_json(client):
    # when
    response = client.post(
        "/graphql/",
        {"query": '{ apiVersion node(id: "eA==") { id } }'},
        content_type="application/json",
        HTTP_ACCEPT=GRAPHQL_RESPONSE,
    )

    # then (the error's wording belongs to the node field's own tests)
    status, content_type, body = answer(response)
    assert (status, content_type, body["data"], [e["path"] for e in body["errors"]]) == (
        200,
        ANSWERED_AS_GRAPHQL,
        {"apiVersion": "0.1.0", "node": None},
        [["node"]],
    )


def test_the_terms_gate_answers_200_with_null_data_under_graphql_response_json():
    # The operation reaches execution and the gate answers for it, so it is
    # a GraphQL response with data, not a request error.
    # given
    browser = Client()
    browser.force_login(user_for(PersonFactory(), terms_version="", terms_accepted_at=None))

    # when
    response = browser.post(
        "/graphql/",
        {"query": "{ pupils { edges { node { name } } } }"},
        content_type="application/json",
        HTTP_ACCEPT=GRAPHQL_RESPONSE,
    )

    # then
    assert answer(response) == (
        200,
        ANSWERED_AS_GRAPHQL,
        {
            "data": None,
            "errors": [
                {
                    "message": "Accept the terms of use first (mutation termsAccept).",
                    "extensions": {"code": "TERMS_NOT_ACCEPTED"},
                }
            ],
        },
    )


def test_a_get_query_is_answered_as_graphql_response_json(client):
    # when
    response = client.get(
        "/graphql/",
        {
            "query": "query($n: String!) { __type(name: $n) { name } }",
            "variables": '{"n": "Query"}',
        },
        HTTP_ACCEPT=GRAPHQL_RESPONSE,
    )

    # then
    assert answer(response) == (200, ANSWERED_AS_GRAPHQL, {"data": {"__type": {"name": "Query"}}})


def test_a_mutation_over_get_is_405_in_the_negotiated_type(client):
    # when
    response = client.get(
        "/graphql/", {"query": "mutation { logout { ok } }"}, HTTP_ACCEPT=GRAPHQL_RESPONSE
    )

    # then
    assert (*answer(response), response["Allow"]) == (
        405,
        ANSWERED_AS_GRAPHQL,
        {"errors": [{"message": "Mutations must be sent with POST."}]},
        "POST",
    )


def test_an_unacceptable_accept_is_406():
    # when
    response = Client().post(
        "/graphql/",
        {"query": "{ apiVersion }"},
        content_type="application/json",
        HTTP_ACCEPT="text/html",
    )

    # then
    assert answer(response) == (
        406,
        ANSWERED_AS_JSON,
        {
            "errors": [
                {
                    "message": "Accept must allow application/graphql-response+json or application/json."
                }
            ]
        },
    )


def test_an_unsupported_content_type_is_415(client):
    # when
    response = client.post(
        "/graphql/",
        '{"query": "{ apiVersion }"}',
        content_type="text/plain",
        HTTP_ACCEPT=GRAPHQL_RESPONSE,
    )

    # then
    assert answer(response) == (
        415,
        ANSWERED_AS_GRAPHQL,
        {"errors": [{"message": "Send the request as application/json (Content-Type)."}]},
    )


def test_another_method_is_405_with_allow(client):
    # when
    response = client.put("/graphql/", HTTP_ACCEPT=GRAPHQL_RESPONSE)

    # then
    assert (*answer(response), response["Allow"]) == (
        405,
        ANSWERED_AS_GRAPHQL,
        {"errors": [{"message": "GraphQL only supports GET and POST requests."}]},
        "GET, POST",
    )


def test_a_csrf_refusal_is_in_the_negotiated_type():
    # given
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["sessionid"] = "abc"

    # when
    response = browser.post(
        "/graphql/",
        {"query": "{ __typename }"},
        content_type="application/json",
        HTTP_ACCEPT=GRAPHQL_RESPONSE,
    )

    # then
    assert answer(response) == (
        403,
        ANSWERED_AS_GRAPHQL,
        {"errors": [{"message": "CSRF check failed: CSRF cookie not set."}]},
    )


@pytest.mark.parametrize(("accept", "status"), [(None, 200), (GRAPHQL_RESPONSE, 400)])
def test_a_subscription_over_http_is_refused_before_it_runs(client, caplog, accept, status):
    # given
    client.force_login(user_for(PersonFactory()))
    headers = {"HTTP_ACCEPT": accept} if accept else {}

    # when
    response = client.post(
        "/graphql/",
        {"query": "subscription { noticeBadge { unreadCount } }"},
        content_type="application/json",
        **headers,
    )

    # then
    assert (response.status_code, response.json()["errors"]) == (
        status,
        [
            {
                "message": "Subscriptions are served over the websocket (graphql-transport-ws) only.",
                "extensions": {"code": "WEBSOCKET_ONLY"},
            }
        ],
    )
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
