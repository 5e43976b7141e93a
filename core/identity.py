"""Swedish personal identity numbers (personnummer) and their relatives.

Stored form: twelve characters, century included, no separator, as SS 12000
`civicNo.value` carries it. Accepted kinds:

- personnummer: YYYYMMDD + birth number (3 digits) + Luhn check digit;
- samordningsnummer (coordination number): the day plus 60;
- tillfälligt personnummer (a school's temporary number for a newly arrived
  pupil): the date followed by two letters and two digits, e.g.
  ``20130101TF01``. It has no check digit, so only its date is checked.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})(\d{3})(\d)$")
_TEMPORARY = re.compile(r"^(\d{4})(\d{2})(\d{2})([A-Z]{2}\d{2})$")
_COORDINATION_OFFSET = 60


class CivicNumberKind(enum.StrEnum):
    """Which kind of identity number a value is."""

    PERSONAL = "personal"
    COORDINATION = "coordination"
    TEMPORARY = "temporary"


@dataclass(frozen=True)
class CivicNumber:
    """A validated identity number with its kind and birth date."""

    value: str
    kind: CivicNumberKind
    birth_date: dt.date


def luhn_digit(digits: str) -> int:
    """The Luhn check digit for `digits` (the nine digits YYMMDDNNN)."""
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_civic_number(raw: str) -> CivicNumber:
    """Validate and normalise `raw`; raise ValidationError with the reason.

    Separators ('-', '+', spaces) are removed. Ten-digit forms are refused:
    the century is ambiguous, and SS 12000 always sends twelve.
    """
    value = re.sub(r"[\s+-]", "", raw).upper()
    if match := _TEMPORARY.match(value):
        born = _date(*match.groups()[:3])
        if born is None:
            raise ValidationError("temporary number %(v)s has no valid date", params={"v": raw})
        return CivicNumber(value, CivicNumberKind.TEMPORARY, born)
    match = _DIGITS.match(value)
    if match is None:
        raise ValidationError(
            "%(v)s is not twelve digits (YYYYMMDDNNNC)",
            params={"v": raw},
            code="format",
        )
    year, month, day, _, check = match.groups()
    kind = CivicNumberKind.PERSONAL
    if int(day) > _COORDINATION_OFFSET:
        kind = CivicNumberKind.COORDINATION
        day = f"{int(day) - _COORDINATION_OFFSET:02d}"
    born = _date(year, month, day)
    if born is None:
        raise ValidationError("%(v)s has no valid date", params={"v": raw}, code="date")
    if luhn_digit(value[2:11]) != int(check):
        raise ValidationError("%(v)s fails the check digit", params={"v": raw}, code="checksum")
    return CivicNumber(value, kind, born)


def validate_civic_number(raw: str) -> None:
    """Django field validator form of `parse_civic_number`."""
    parse_civic_number(raw)


def mask_civic_number(value: str) -> str:
    """Show the birth date only, as lists and logs may: ``20100314-****``."""
    return f"{value[:8]}-****" if len(value) >= 8 else "****"  # noqa: PLR2004
