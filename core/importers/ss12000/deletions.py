"""What the source names deleted (`/deletedEntities`): its rows end, nothing else does.

A delta run ends nothing for being absent; it ends what the server says it
deleted, the day before the run's day, as a snapshot ends what it no longer
holds: a deleted group or duty ends with the relations the importer keeps
for it; a deleted person's guardianships, memberships and duties end; a
deleted placement's membership and an activity's teaching end. Rows are
never deleted (documentation stays), and organisations, schools and
syllabuses are not dated: a deleted one is counted as skipped.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import Q, QuerySet

from core.importers.ss12000.base import ImportRun
from core.importers.sync import Counts
from core.models import Duty, Group, GroupMembership, Guardianship, StaffAssignment

_UNDATED = ("organisations", "syllabuses")


class DeletionSteps(ImportRun):
    """Ends what the source named deleted."""

    def deletions(self) -> None:
        """End the rows of every id in `self.data.deleted`."""
        deleted = self.data.deleted
        if not deleted:
            return
        last_day = self.today - dt.timedelta(days=1)
        for name in _UNDATED:
            for _ in deleted.get(name, ()):
                self.report.skip(name)
        duties = _keys(deleted, "duties")
        self._end(
            "groups", Group.objects.filter(external_id__in=deleted.get("groups", ())), last_day
        )
        self._end(
            "duties", Duty.objects.filter(external_id__in=deleted.get("duties", ())), last_day
        )
        self._end(
            "duties",
            Duty.objects.filter(person__external_id__in=deleted.get("persons", ())),
            last_day,
        )
        memberships = (
            Q(source_key__regex=r"^(gm|pl):", group__external_id__in=deleted.get("groups", ()))
            | _prefixed("pl:", _keys(deleted, "placements"))
            | Q(
                source_key__startswith="gm:",
                pupil__person__external_id__in=deleted.get("persons", ()),
            )
        )
        self._end("memberships", GroupMembership.objects.filter(memberships), last_day)
        guardianships = Q(guardian__external_id__in=deleted.get("persons", ())) | Q(
            pupil__person__external_id__in=deleted.get("persons", ())
        )
        self._end(
            "guardianships",
            Guardianship.objects.filter(guardianships, source_key__regex=r"^(resp|own):"),
            last_day,
        )
        assignments = (
            _prefixed("ar:", duties)
            | _prefixed("ac:", _keys(deleted, "activities"))
            | Q(source_key__regex=r"^a[rc]:", group__external_id__in=deleted.get("groups", ()))
            | Q(source_key__regex=r"^a[rc]:", staff__external_id__in=deleted.get("persons", ()))
        )
        self._end("assignments", StaffAssignment.objects.filter(assignments), last_day)

    def _end(self, kind: str, rows: QuerySet, last_day: dt.date) -> None:  # type: ignore[type-arg]
        open_rows = rows.filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day))
        self.count(kind, Counts(ended=open_rows.update(end_date=last_day)))


def _keys(deleted: dict[str, set[uuid.UUID]], name: str) -> list[str]:
    return [str(ext) for ext in deleted.get(name, ())]


def _prefixed(prefix: str, ids: list[str]) -> Q:
    """Relations whose source key starts with `prefix` and one of `ids`."""
    found = Q(pk__in=[])
    for ext in ids:
        found |= Q(source_key__startswith=f"{prefix}{ext}")
    return found
