"""State and helpers shared by the import steps."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import Q
from tqdm import tqdm

from core.importers.report import ImportReport
from core.importers.source import Dataset
from core.importers.sync import Counts, Rows, sync
from core.importers.validation import problems

_PROGRESS_FROM = 2000


def _ids(model: type[models.Model]) -> dict[uuid.UUID, int]:
    return dict(
        model._default_manager.filter(external_id__isnull=False).values_list("external_id", "pk")
    )


def _mode(values: list[int]) -> int | None:
    return Counter(values).most_common(1)[0][0] if values else None


class ImportRun:
    """One import run; holds the id maps that later collections resolve against."""

    school_ids: dict[uuid.UUID, int]
    pupil_ids: dict[uuid.UUID, int]
    group_ids: dict[uuid.UUID, int]
    placements: list[tuple[uuid.UUID, dict[str, Any]]]
    members: list[tuple[str, uuid.UUID, uuid.UUID, dict[str, Any]]]

    def __init__(self, dataset: Dataset, *, today: dt.date, progress: bool) -> None:
        self.data = dataset
        self.today = today
        self.progress = progress
        self.report = ImportReport()
        self.pupil_rows: dict[uuid.UUID, dict[str, Any]] = {}

    def valid(self, collection: str) -> Iterator[tuple[uuid.UUID, dict[str, Any]]]:
        """(id, record) for each record of `collection` that fits the schema."""
        records = self.data.get(collection, [])
        shown = self.progress and len(records) >= _PROGRESS_FROM
        for record in tqdm(records, desc=collection, unit=" records", disable=not shown):
            faults = problems(collection, record)
            if faults:
                self.report.reject(collection, record.get("id", "(no id)"), "; ".join(faults))
                continue
            yield uuid.UUID(record["id"]), record

    def count(self, kind: str, counts: Counts) -> None:
        """Add one sync's counts to the report under `kind`."""
        self.report.counts[kind] += counts

    def sync_entity(
        self, kind: str, model: type[models.Model], rows: Rows, *, dated: bool = False
    ) -> None:
        """Sync rows keyed by their SS 12000 id; dated ones missing from the source end."""
        counts, _ = sync(
            model,
            "external_id",
            rows,
            scope=Q(external_id__isnull=False),
            end_missing_on=self.today if dated else None,
        )
        self.count(kind, counts)

    def sync_relation(self, kind: str, model: type[models.Model], rows: Rows, prefix: str) -> None:
        """Sync importer-managed relation rows whose key starts with `prefix`."""
        counts, _ = sync(
            model,
            "source_key",
            rows,
            scope=Q(source_key__startswith=prefix),
            end_missing_on=self.today,
        )
        self.count(kind, counts)
