from __future__ import annotations

import pytest
from channels.testing import WebsocketCommunicator
from django.test import Client

from project.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


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
        403, {"errors": [{"message": "CSRF check failed: CSRF cookie not set."}]}
    )  # fmt: skip


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
        405, "POST", {"errors": [{"message": "Mutations must be sent with POST."}]}
    )  # fmt: skip


def test_a_syntax_error_over_get_is_an_error_body_not_a_405(client):
    # application/json responses may answer 200 with errors (GraphQL over
    # HTTP, "legacy" media type); only mutations are refused by method.
    # when
    response = client.get("/graphql/", {"query": "{ apiVersion "})

    # then
    assert (response.status_code, response.json()["errors"][0]["message"]) == (
        200, "Syntax Error: Expected Name, found <EOF>."
    )  # fmt: skip
