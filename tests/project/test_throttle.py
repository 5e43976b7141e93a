"""The client address that sign-in failures are counted by."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from project.throttle import client_ip

SPOOFED = "198.51.100.66"  # whatever the client itself put in the header


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, f"{SPOOFED}, 203.0.113.7", "10.0.0.1"),
        (1, f"{SPOOFED}, 203.0.113.7", "203.0.113.7"),
        (1, "203.0.113.7", "203.0.113.7"),
        (2, f"{SPOOFED}, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "10.0.0.1"),
        (1, "", "10.0.0.1"),
    ],
)
def test_the_address_is_taken_past_the_trusted_proxies(settings, proxies, forwarded_for, expected):
    # given
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().post(
        "/graphql/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for
    )

    # when / then
    assert client_ip(request) == expected
