"""Import the school roster from an SS 12000 dataset.

The run reads the whole dataset, checks each record, and makes the roster
match it in one transaction: rows are upserted by their SS 12000 ids,
relations that are gone from the source get an end date (documentation is
never deleted by an import), and a record, relation or field that breaks a
rule is left out and reported with its id and the reason; one bad record
never stops the run. Only a collection the dataset holds completely is a
snapshot: relations read from a collection that is absent, or paged with a
`pageToken` still pending, never end. A run that would end more than
`IMPORT_MAX_END_PERCENT` of the open rows of any kind stops and writes
nothing (`MassEnd`), unless told it may.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction

from core.importers.embedded import unfold
from core.importers.report import ImportReport
from core.importers.source import Dataset
from core.importers.ss12000.base import _ids
from core.importers.ss12000.deletions import DeletionSteps
from core.importers.ss12000.groups import GroupSteps
from core.importers.ss12000.organisations import OrganisationSteps
from core.importers.ss12000.persons import PersonSteps
from core.importers.ss12000.staff import StaffSteps
from core.models import Group, Pupil, School
from permissions import access


class MassEnd(Exception):  # noqa: N818 -- what happened, as the command reports it
    """The run would end too many relations at once; nothing was written."""

    def __init__(self, report: ImportReport, kinds: dict[str, tuple[int, int]]) -> None:
        self.report, self.kinds = report, kinds
        listed = ", ".join(f"{k} {ended} of {open_}" for k, (ended, open_) in kinds.items())
        super().__init__(
            f"The import would end {listed} open rows (more than "
            f"{settings.IMPORT_MAX_END_PERCENT}%); nothing was written. Check that the "
            "export is whole, or run again with --allow-mass-end."
        )


def import_dataset(
    dataset: Mapping[str, list[Any]],
    *,
    today: dt.date | None = None,
    progress: bool = False,
    dry_run: bool = False,
    allow_mass_end: bool = True,
) -> ImportReport:
    """Import `dataset` in one transaction and return what changed (or would have)."""
    data = dataset if isinstance(dataset, Dataset) else Dataset(dataset)
    importer = Importer(unfold(data), today=today or dt.date.today(), progress=progress)
    try:
        with transaction.atomic(), access.rebuilt_after():
            importer.run()
            _stop_unless_written(importer.report, dry_run=dry_run, allow_mass_end=allow_mass_end)
    except _DryRun:
        pass
    return importer.report


class _DryRun(Exception):  # noqa: N818 -- not an error: the way out of a dry run
    """Raised to roll a dry run back."""


def _stop_unless_written(report: ImportReport, *, dry_run: bool, allow_mass_end: bool) -> None:
    """Raise what rolls the run back (before the access rows are rebuilt), if anything."""
    mass = {} if allow_mass_end else _mass_ends(report)
    if mass:
        raise MassEnd(report, mass)
    if dry_run:
        raise _DryRun


def _mass_ends(report: ImportReport) -> dict[str, tuple[int, int]]:
    """Kinds whose ended rows pass the share allowed: (ended, open before)."""
    percent, floor = settings.IMPORT_MAX_END_PERCENT, settings.IMPORT_MASS_END_MIN
    # Rows the source named deleted are ended on purpose; the guard is for absences.
    absent = {
        kind: counts.ended - report.named_deleted[kind] for kind, counts in report.counts.items()
    }
    return {
        kind: (ended, report.counts[kind].open)
        for kind, ended in absent.items()
        if ended >= floor and ended * 100 > percent * report.counts[kind].open
    }


class Importer(OrganisationSteps, PersonSteps, GroupSteps, StaffSteps, DeletionSteps):
    """An import run: every step, in dependency order."""

    def run(self) -> None:
        """Import every collection in dependency order."""
        self.organisations()
        self.school_ids = _ids(School)
        self.school_forms = dict(School.objects.values_list("pk", "school_forms"))
        self.subjects()
        self.placements = list(self.valid("placements"))
        self.persons()
        self.pupil_ids = {
            ext: pk
            for ext, pk in Pupil.objects.values_list("person__external_id", "pk")
            if ext is not None
        }
        self.groups()
        self.group_ids = _ids(Group)
        self.memberships()
        self.duties()
        self.activities()
        self.deletions()
