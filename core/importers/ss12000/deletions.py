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

from django.db.models import Q, QuerySet

from core.importers.ss12000.base import ImportRun
from core.importers.ss12000.staff import duty_at
from core.importers.sync import Counts
from core.models import Duty, Group, GroupMembership, Guardianship, School, StaffAssignment

_BATCH = 500

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
        groups, persons = deleted.get("groups", set()), deleted.get("persons", set())
        units = School.objects.filter(external_id__isnull=False).values_list(
            "external_id", flat=True
        )
        duties = {
            row
            for duty in deleted.get("duties", ())
            for row in (duty, *(duty_at(duty, u) for u in units))
        }
        self._end("groups", Group.objects.filter(external_id__in=groups), last_day)
        self._end("duties", Duty.objects.filter(external_id__in=duties), last_day)
        self._end("duties", Duty.objects.filter(person__external_id__in=persons), last_day)
        memberships = Q(source_key__regex=r"^(gm|pl):") & (
            Q(group__external_id__in=groups) | Q(pupil__person__external_id__in=persons)
        )
        self._end("memberships", GroupMembership.objects.filter(memberships), last_day)
        placements = {f"pl:{ext}" for ext in deleted.get("placements", ())}
        self._end(
            "memberships", GroupMembership.objects.filter(source_key__in=placements), last_day
        )
        guardianships = Q(guardian__external_id__in=persons) | Q(
            pupil__person__external_id__in=persons
        )
        self._end(
            "guardianships",
            Guardianship.objects.filter(guardianships, source_key__regex=r"^(resp|own):"),
            last_day,
        )
        assignments = Q(source_key__regex=r"^a[rc]:") & (
            Q(group__external_id__in=groups) | Q(staff__external_id__in=persons)
        )
        self._end("assignments", StaffAssignment.objects.filter(assignments), last_day)
        held = {("ar:", str(ext)) for ext in deleted.get("duties", ())} | {
            ("ac:", str(ext)) for ext in deleted.get("activities", ())
        }
        by_holder = [
            pk
            for pk, key in StaffAssignment.objects.filter(
                source_key__regex=r"^a[rc]:"
            ).values_list("pk", "source_key")
            if (key[:3], key[3:].split(":", 1)[0]) in held
        ]
        for start in range(0, len(by_holder), _BATCH):
            chunk = by_holder[start : start + _BATCH]
            self._end("assignments", StaffAssignment.objects.filter(pk__in=chunk), last_day)

    def _end(self, kind: str, rows: QuerySet, last_day: dt.date) -> None:  # type: ignore[type-arg]
        open_rows = rows.filter(Q(end_date__isnull=True) | Q(end_date__gt=last_day))
        ended = open_rows.update(end_date=last_day)
        self.count(kind, Counts(ended=ended))
        self.report.named_deleted[kind] += ended  # ended because named, not for being absent
