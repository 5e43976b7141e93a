from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_channel_layer(client):
    # when
    response = client.get("/healthz")

    # then
    expected_layer = "ok" if settings.REDIS_URL else "in-memory"
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": "ok", "channel_layer": expected_layer},
    )


def test_healthz_fails_when_the_channel_layer_is_unreachable(client, settings):
    # given
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }

    # when
    response = client.get("/healthz")

    # then
    assert (response.status_code, response.json()) == (
        503,
        {"status": "failing", "database": "ok", "channel_layer": "failing"},
    )
