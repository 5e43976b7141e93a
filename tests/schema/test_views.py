"""Content negotiation of the GraphQL view (GraphQL over HTTP, RFC 9110 Accept)."""

from __future__ import annotations

import pytest

from schema.views import response_media_type

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("", JSON),
        ("   ", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("Application/GraphQL-Response+JSON; charset=utf-8", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json;q=0.9, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json;q=0.5", JSON),
        ("application/json, application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, */*", GRAPHQL_RESPONSE),
        ("application/graphql-response+json;q=0, */*", JSON),
        ("application/json;q=0, */*;q=0.1", GRAPHQL_RESPONSE),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
        ("application/json;q=nonsense, */*;q=0.1", JSON),
        ("text/html", None),
        ("application/xml, text/*", None),
        ("application/json;q=0", None),
        ("application/graphql-response+json;q=0, application/json;q=0", None),
        ("application/json;q=2", None),
    ],
)
def test_the_response_media_type_follows_accept(accept, media_type):
    # when / then
    assert response_media_type(accept) == media_type
