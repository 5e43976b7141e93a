"""Import the school roster from an SS 12000 dataset.

The run reads the whole dataset, validates each record, and makes the
roster match it in one transaction: rows are upserted by their SS 12000 ids,
relations that are gone from the source get an end date (documentation is
never deleted by an import), and a record that breaks a rule is skipped and
reported with its id and the reason. A dataset is taken as a full snapshot
of each collection it contains: relations derived from a collection that is
absent are left untouched.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from core.importers.report import ImportReport
from core.importers.source import Dataset
from core.importers.ss12000.base import _ids
from core.importers.ss12000.groups import GroupSteps
from core.importers.ss12000.organisations import OrganisationSteps
from core.importers.ss12000.persons import PersonSteps
from core.importers.ss12000.staff import StaffSteps
from core.models import Group, Pupil, School
from permissions import access


def import_dataset(
    dataset: Dataset, *, today: dt.date | None = None, progress: bool = False
) -> ImportReport:
    """Import `dataset` in one transaction and return what changed."""
    importer = Importer(dataset, today=today or dt.date.today(), progress=progress)
    with transaction.atomic(), access.rebuilt_after():
        importer.run()
    return importer.report


class Importer(OrganisationSteps, PersonSteps, GroupSteps, StaffSteps):
    """An import run: every step, in dependency order."""

    def run(self) -> None:
        """Import every collection in dependency order."""
        self.organisations()
        self.school_ids = _ids(School)
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
