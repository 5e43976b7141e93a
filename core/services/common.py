"""Helpers every write shares: fetch-or-refuse, text rules, versioned saves."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from core.models import Pupil
from core.models.plans import term_validator
from core.services.errors import Conflict, Invalid, NotAllowed, NotFound
from permissions.relations import Viewer, today, visible_pupils

M = TypeVar("M", bound=models.Model)
MAX_TEXT = 20_000
TERM_YEARS = 1  # how far from this year a term may be written


def fetch(queryset: models.QuerySet[M], scope: Q, pk: int, *, lock: bool = False) -> M:
    """The row `pk` within `scope`, locked for this transaction when asked.

    A hidden row raises the same `NotFound` as a missing one.
    """
    rows = queryset.filter(scope, pk=pk)
    found = (rows.select_for_update(of=("self",)) if lock else rows).first()
    if found is None:
        raise NotFound
    return found


def readable_pupil(actor: Viewer, pk: int) -> Pupil:
    """A pupil whose page the actor reads, or `NotFound`."""
    return fetch(Pupil.objects.select_related("person"), Q(pk__in=visible_pupils(actor)), pk)


def require(allowed: bool, message: str | None = None) -> None:
    """Refuse with `NotAllowed` unless `allowed` (the object is already readable)."""
    if not allowed:
        raise NotAllowed(message)


def text(value: str, field: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """`value` stripped; refused when empty (if required) or longer than `limit`."""
    cleaned = value.strip()
    if "\x00" in cleaned:
        raise Invalid(f"{field} holds a NUL character.", field=field)
    if required and not cleaned:
        raise Invalid(f"{field} must not be empty.", field=field)
    if len(cleaned) > limit:
        raise Invalid(f"{field} is longer than {limit} characters.", field=field)
    return cleaned


def save_versioned(obj: Any, expected: int, **changes: Any) -> None:
    """Write `changes` only if the row is still at version `expected`.

    One conditional UPDATE, so two saves of the same version can never both
    win, whatever the database: the second finds the version moved on and
    gets a `Conflict`; nothing it would have overwritten is lost.
    """
    model = type(obj)
    now = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected).update(
        **changes, version=F("version") + 1, updated_at=now
    )
    if updated != 1:
        raise Conflict
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.version, obj.updated_at = expected + 1, now


def check_term(term: str) -> None:
    """Refuse a term that is not HT or VT and a year within a year of today."""
    try:
        term_validator(term)
    except Exception as error:
        raise Invalid("A term is HT or VT and a year, e.g. HT2026.", field="term") from error
    year = today().year
    if not year - TERM_YEARS <= int(term[2:]) <= year + TERM_YEARS:
        raise Invalid(
            f"A term from {year - TERM_YEARS} to {year + TERM_YEARS}, please.", field="term"
        )


def create_first(model: type[M], version: int | None, **fields: Any) -> M:
    """The first row of its kind, saved by someone who saw none (`version` None).

    A row seen (`version` given) or a concurrent first save that won the
    unique constraint is a `Conflict`, never a second row or an overwrite.
    """
    if version is not None:
        raise Conflict
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError as error:
        raise Conflict from error
