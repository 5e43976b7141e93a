"""No page of the service is for search engines."""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client

pytestmark = pytest.mark.django_db


def test_robots_txt_disallows_everything():
    # when
    response = Client().get("/robots.txt")

    # then
    assert (response.status_code, response["Content-Type"], response.content.decode()) == (
        200,
        "text/plain; charset=utf-8",
        "User-agent: *\nDisallow: /\n",
    )


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/graphql/?query={__typename}", {}, 200),
        ("/graphql/", {"HTTP_AUTHORIZATION": "Bearer sks_unknown"}, 401),
        ("/healthz", {}, 200),
        ("/admin/", {}, 302),
        ("/admin/login/", {}, 200),
        ("/accounts/login/", {}, 200),
        ("/no-such-page", {}, 404),
        ("/robots.txt", {}, 200),
    ],
)
def test_every_response_says_noindex(path, headers, status):
    # when
    response = Client().get(path, **headers)

    # then
    assert (response.status_code, response["X-Robots-Tag"]) == (status, "noindex, nofollow")


async def test_responses_over_asgi_say_noindex_too():
    # when
    response = await AsyncClient().get("/no-such-page")

    # then
    assert (response.status_code, response["X-Robots-Tag"]) == (404, "noindex, nofollow")
