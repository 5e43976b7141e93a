"""Reading fields out of SS 12000 records, with typed failures."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from core.identity import mask_civic_number, parse_civic_number

# The school's day: every school this service serves keeps Swedish time.
SCHOOL_TIME = ZoneInfo("Europe/Stockholm")


class RecordError(Exception):
    """A record or relation breaks a rule; the message says which."""


def uid(value: Any) -> uuid.UUID:
    """An id as a UUID."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        msg = f"{value!r} is not a UUID"
        raise RecordError(msg) from None


def obj(value: Any) -> Mapping[str, Any]:
    """`value` when it is an object (a membership, a teacher, ...)."""
    if not isinstance(value, Mapping):
        msg = f"{value!r} is not an object"
        raise RecordError(msg)
    return value


def known(value: Any, among: Mapping[Any, Any], what: str) -> Any:
    """`value` when `among` holds it; `what` names it in the fault."""
    if value not in among:
        msg = f"{what} {value} is not known"
        raise RecordError(msg)
    return value


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
    """A date field as the school's day, or None when absent.

    A date is taken as it is. A date with a time is an instant: one with an
    offset or `Z` is converted to Swedish time first, so
    `2025-08-17T22:00:00Z` is 18 August; one without is Swedish time.
    """
    value = record.get(name)
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        if len(text) == len("YYYY-MM-DD"):
            return dt.date.fromisoformat(text)
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        msg = f"{name} {value!r} is not a date (YYYY-MM-DD) or a date and time (RFC 3339)"
        raise RecordError(msg) from None
    if instant.tzinfo is not None:
        instant = instant.astimezone(SCHOOL_TIME)
    return instant.date()


def period(record: Mapping[str, Any]) -> dict[str, dt.date | None]:
    """`startDate`/`endDate` as model fields; refuses an end before the start."""
    start, end = day(record, "startDate"), day(record, "endDate")
    if start and end and end < start:
        msg = f"endDate {end} is before startDate {start}"
        raise RecordError(msg)
    return {"start_date": start, "end_date": end}


def civic_no(record: Mapping[str, Any]) -> tuple[str | None, dt.date | None]:
    """The normalised identity number and the birth date it encodes."""
    civic = record.get("civicNo")
    value = civic.get("value") if isinstance(civic, Mapping) else civic
    if not value:
        return None, None
    try:
        parsed = parse_civic_number(str(value))
    except ValidationError as error:
        # The number itself stays out of reports and logs: its birth date only.
        shown = mask_civic_number(str(value))
        reasons = "; ".join(m.replace(str(value), shown) for m in error.messages)
        raise RecordError(f"civicNo: {reasons}") from None
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
