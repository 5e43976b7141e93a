"""Reading fields out of SS 12000 records, with typed failures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError

from core.identity import parse_civic_number


class RecordError(Exception):
    """A record or relation breaks a rule; the message says which."""


def uid(value: Any) -> uuid.UUID:
    """An id as a UUID."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        msg = f"{value!r} is not a UUID"
        raise RecordError(msg) from None


def ref(record: Mapping[str, Any], name: str) -> uuid.UUID | None:
    """The id a reference field points at, or None when the field is absent."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, Mapping) or "id" not in value:
        msg = f"{name} is not a reference with an id"
        raise RecordError(msg)
    return uid(value["id"])


def day(record: Mapping[str, Any], name: str) -> dt.date | None:
    """A date field as a date, or None when absent."""
    value = record.get(name)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        msg = f"{name} {value!r} is not a date (YYYY-MM-DD)"
        raise RecordError(msg) from None


def period(record: Mapping[str, Any]) -> dict[str, dt.date | None]:
    """`startDate`/`endDate` as model fields; refuses an end before the start."""
    start, end = day(record, "startDate"), day(record, "endDate")
    if start and end and end < start:
        msg = f"endDate {end} is before startDate {start}"
        raise RecordError(msg)
    return {"start_date": start, "end_date": end}


def civic_no(record: Mapping[str, Any]) -> tuple[str | None, dt.date | None]:
    """The normalised identity number and the birth date it encodes."""
    value = (record.get("civicNo") or {}).get("value")
    if not value:
        return None, None
    try:
        parsed = parse_civic_number(str(value))
    except ValidationError as error:
        raise RecordError("civicNo: " + "; ".join(error.messages)) from None
    return parsed.value, parsed.birth_date


def first(items: Any, field: str, *, prefer: tuple[str, ...] = ()) -> Any:
    """`field` of the first item, trying items whose `type` is in `prefer` first."""
    if not isinstance(items, list):
        return None
    ranked = sorted(
        (item for item in items if isinstance(item, Mapping)),
        key=lambda item: item.get("type") not in prefer,
    )
    return ranked[0].get(field) if ranked else None
