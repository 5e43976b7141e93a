"""Telling open sockets that something changed for a user.

Events are hints: they carry ids only, and every socket reloads the count
from the database before it answers, so a lost or late event costs nothing
but a moment. With `REDIS_URL` set the channel layer is Redis, and an event
sent by one server process reaches sockets held by every other.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

EVENT = "notice.changed"


def user_group(user_id: int) -> str:
    """The channel-layer group every socket of one user joins, and nobody else."""
    return f"user.{user_id}"


def notices_changed(user_ids: Iterable[int], notice_id: int | None = None) -> None:
    """Wake every socket of `user_ids` (from sync code, after commit).

    Each event has an id of its own: the sockets of one user in one process
    that receive the same event share the work of answering it
    (`subscriptions.shared`).
    """
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(_send_all)
    event: dict[str, object] = {"type": EVENT, "notice": notice_id, "id": uuid.uuid4().hex}
    send(layer, list(user_ids), event)


async def _send_all(layer: object, user_ids: list[int], event: dict[str, object]) -> None:
    for user_id in user_ids:
        await layer.group_send(user_group(user_id), event)  # type: ignore[attr-defined]
