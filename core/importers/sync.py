"""Make a table match a desired set of rows, writing only the difference.

The importer describes what the roster should be as `{key: {field: value}}`
and `sync` compares it with what is stored: new keys are created, changed
rows updated, and (for dated relations) rows whose key is gone get an end
date. Unchanged rows are not written, which makes a repeated import write
nothing. Values must have the types Django returns from `.values()`
(attnames such as `school_id` for foreign keys).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Self

from django.db import models
from django.db.models import Q

Rows = dict[Any, dict[str, Any]]
_BATCH = 500


@dataclass
class Counts:
    """How many rows one sync created, updated and ended."""

    created: int = 0
    updated: int = 0
    ended: int = 0
    # Stored rows that were open on the day before the sync (when it ends rows).
    open: int = 0

    def __iadd__(self, other: Counts) -> Self:
        self.created += other.created
        self.updated += other.updated
        self.ended += other.ended
        self.open += other.open
        return self


def sync(
    model: type[models.Model],
    key: str,
    desired: Rows,
    *,
    scope: Q,
    end_missing_on: dt.date | None = None,
    create: dict[str, Any] | None = None,
    may_end: Callable[[Any], bool] | None = None,
) -> tuple[Counts, dict[Any, int]]:
    """Write `desired` into `model` rows within `scope`; return counts and key->pk.

    `create` holds values set only on rows this call creates (a password).

    With `end_missing_on`, stored rows in scope whose key is not desired and
    that are still open on that day get `end_date` set to the day before;
    with `may_end`, only those whose key it accepts.
    """
    fields = sorted({name for row in desired.values() for name in row})
    extra = ["end_date"] if end_missing_on is not None and "end_date" not in fields else []
    manager = model._default_manager
    stored = {row[key]: row for row in manager.filter(scope).values("pk", key, *fields, *extra)}
    new = [
        model(**{key: k, **(create or {}), **row}) for k, row in desired.items() if k not in stored
    ]
    changed = [
        model(pk=stored[k]["pk"], **row)
        for k, row in desired.items()
        if k in stored and any(stored[k][f] != v for f, v in row.items())
    ]
    manager.bulk_create(new, batch_size=_BATCH)
    if changed:
        manager.bulk_update(changed, fields, batch_size=_BATCH)
    counts = Counts(created=len(new), updated=len(changed))
    if end_missing_on is not None:
        still_open = {
            k: row
            for k, row in stored.items()
            if row["end_date"] is None or row["end_date"] >= end_missing_on
        }
        gone = [
            row["pk"]
            for k, row in still_open.items()
            if k not in desired and (may_end is None or may_end(k))
        ]
        counts.open = len(still_open)
        counts.ended = _end(model, gone, end_missing_on - dt.timedelta(days=1))
    ids = {k: row["pk"] for k, row in stored.items()}
    ids.update({getattr(obj, key): obj.pk for obj in new if obj.pk is not None})
    ids.update(_ids(model, key, [getattr(obj, key) for obj in new if obj.pk is None]))
    return counts, ids


def _end(model: type[models.Model], pks: list[int], last_day: dt.date) -> int:
    for start in range(0, len(pks), _BATCH):
        model._default_manager.filter(pk__in=pks[start : start + _BATCH]).update(end_date=last_day)
    return len(pks)


def _ids(model: type[models.Model], key: str, keys: list[Any]) -> dict[Any, int]:
    # SQLite and older backends do not return primary keys from bulk_create
    # for every case, so newly made rows are looked up again by key.
    found: dict[Any, int] = {}
    for start in range(0, len(keys), _BATCH):
        chunk = keys[start : start + _BATCH]
        found.update(model._default_manager.filter(**{f"{key}__in": chunk}).values_list(key, "pk"))
    return found
