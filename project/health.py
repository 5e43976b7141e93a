"""`/healthz`: is the database reachable, the channel layer if any, and is the roster current."""

from __future__ import annotations

import asyncio
import uuid

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from core.selectors.sync import roster_sync_state

_TIMEOUT_SECONDS = 2.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return False


async def _channel_layer_ok() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        channel = await layer.new_channel("healthz.")
        token = uuid.uuid4().hex
        await layer.send(channel, {"type": "healthz.ping", "token": token})
        message = await asyncio.wait_for(layer.receive(channel), _TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return False
    return bool(message.get("token") == token)


def _roster_sync() -> str | None:
    try:
        return roster_sync_state()
    except Exception:  # noqa: BLE001 - the database check reports the cause
        return None


async def healthz(request: HttpRequest) -> JsonResponse:  # noqa: ARG001
    """200 with each check 'ok', or 503 naming the one that failed."""
    checks = {"database": "ok" if await sync_to_async(_database_ok)() else "failing"}
    if settings.REDIS_URL:
        checks["channel_layer"] = "ok" if await _channel_layer_ok() else "failing"
    else:
        checks["channel_layer"] = "in-memory"
    roster = await sync_to_async(_roster_sync)()
    if roster is not None:
        checks["roster_sync"] = roster  # "stale" and "never" do not fail the check
    healthy = "failing" not in checks.values()
    return JsonResponse(
        {"status": "ok" if healthy else "failing", **checks},
        status=200 if healthy else 503,
    )
