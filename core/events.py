"""Telling open sockets that something changed for a user.

Events are hints: they carry ids only, and every socket reloads what it
shows from the database before it answers, so a lost or late event costs
nothing but a moment. With `REDIS_URL` set the channel layer is Redis, and
an event sent by one server process reaches sockets held by every other.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

EVENT = "notice.changed"
# Something a socket signed in with may have ended: a token revoked, a
# session ended, an account closed or its password changed.
CREDENTIAL_EVENT = "credential.changed"


def user_group(user_id: int) -> str:
    """The channel-layer group every socket of one user joins, and nobody else."""
    return f"user.{user_id}"


def notices_changed(user_ids: Iterable[int], notice_id: int | None = None) -> None:
    """Wake every badge of `user_ids` (from sync code, after commit).

    Each event has an id of its own: the sockets of one user in one process
    that receive the same event share the work of answering it
    (`subscriptions.shared`).
    """
    _publish(user_ids, {"type": EVENT, "notice": notice_id})


def credentials_changed(user_ids: Iterable[int], ended_session: str | None = None) -> None:
    """Have every socket of `user_ids` check its credential now (after commit).

    `ended_session` names a session that has ended (by a digest of its key:
    the key itself is a credential), for the moment before it is deleted.
    """
    _publish(user_ids, {"type": CREDENTIAL_EVENT, "ended_session": ended_session})


def session_digest(session_key: str) -> str:
    """What an event calls a session by."""
    return hashlib.sha256(session_key.encode()).hexdigest()


def _publish(user_ids: Iterable[int], event: dict[str, object]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(_send_all)(layer, list(user_ids), {**event, "id": uuid.uuid4().hex})


async def _send_all(layer: object, user_ids: list[int], event: dict[str, object]) -> None:
    for user_id in user_ids:
        await layer.group_send(user_group(user_id), event)  # type: ignore[attr-defined]
