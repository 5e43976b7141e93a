"""State and helpers shared by the import steps."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Q
from tqdm import tqdm

from core.importers.report import FIELD, RECORD, RELATION, ImportReport
from core.importers.source import Dataset
from core.importers.sync import Counts, Rows, sync
from core.importers.validation import problems

_PROGRESS_FROM = 2000


# The collection each kind of row is read from, for the report.
SOURCE_OF_KIND = {"schools": "organisations", "subjects": "syllabuses"}
# Text a column may cut short: names and places; codes are left out whole.
_CUT = frozenset({"name", "given_name", "family_name", "street_address", "locality"})


@cache
def _limits(model: type[models.Model]) -> dict[str, int]:
    """The model's text columns and their lengths."""
    return {
        f.attname: f.max_length
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField) and f.max_length
    }


def _ids(model: type[models.Model]) -> dict[uuid.UUID, int]:
    return dict(
        model._default_manager.filter(external_id__isnull=False).values_list("external_id", "pk")
    )


def _mode(values: list[Any]) -> Any:
    return Counter(values).most_common(1)[0][0] if values else None


class ImportRun:
    """One import run; holds the id maps that later collections resolve against."""

    school_ids: dict[uuid.UUID, int]
    pupil_ids: dict[uuid.UUID, int]
    group_ids: dict[uuid.UUID, int]
    school_forms: dict[int, list[str]]
    placements: list[tuple[uuid.UUID, dict[str, Any]]]
    members: list[tuple[str, uuid.UUID, uuid.UUID, dict[str, Any]]]

    def __init__(self, dataset: Dataset, *, today: dt.date, progress: bool) -> None:
        self.data = dataset
        self.today = today
        self.progress = progress
        self.report = ImportReport()
        self.report.incomplete = sorted(dataset.incomplete & dataset.keys())
        for name, records in dataset.items():
            self.report.records_in[name] = len(records)
        self.pupil_rows: dict[uuid.UUID, dict[str, Any]] = {}
        # Each school (Skola) and its school units, once organisations are read.
        self.units_of: dict[uuid.UUID, list[uuid.UUID]] = {}

    def valid(self, collection: str) -> Iterator[tuple[uuid.UUID, dict[str, Any]]]:
        """(id, record) for each record of `collection` that can be read, once per id.

        A second record with an id already read is rejected: the first one
        is imported (a source that repeats an id holds two truths).
        """
        records = self.data.get(collection, [])
        shown = self.progress and len(records) >= _PROGRESS_FROM
        seen: set[uuid.UUID] = set()
        for record in tqdm(records, desc=collection, unit=" records", disable=not shown):
            faults = problems(collection, record)
            if faults:
                name = record.get("id", "(no id)") if isinstance(record, dict) else "(no id)"
                self.report.reject(collection, name, "; ".join(faults))
                continue
            ext = uuid.UUID(record["id"])
            if ext in seen:
                self.report.reject(collection, ext, "the id is repeated; its first record is read")
                continue
            seen.add(ext)
            yield ext, record

    def count(self, kind: str, counts: Counts) -> None:
        """Add one sync's counts to the report under `kind`."""
        self.report.counts[kind] += counts

    def ends(self, *collections: str) -> dt.date | None:
        """The day missing rows end on, when every source collection is complete."""
        complete = all(self.data.complete(name) for name in collections)
        return self.today if complete else None

    def faulted(self, collection: str) -> set[str]:
        """Ids of the records of `collection` that had a record or relation fault."""
        return {
            r.record_id
            for r in self.report.rejections
            if r.collection == collection and r.level in {RECORD, RELATION}
        }

    def sync_entity(
        self,
        kind: str,
        model: type[models.Model],
        rows: Rows,
        *,
        dated_by: tuple[str, ...] = (),
    ) -> None:
        """Sync rows keyed by their SS 12000 id.

        Dated ones missing from the source end, if the collections in
        `dated_by` are complete snapshots; a record that was rejected is not
        missing, and its row stays as it was.
        """
        source = SOURCE_OF_KIND.get(kind, kind)
        for ext, row in rows.items():
            self.fit(source, ext, model, row)
        rejected = self.faulted(source)
        counts, _ = sync(
            model,
            "external_id",
            rows,
            scope=Q(external_id__isnull=False),
            end_missing_on=self.ends(*dated_by) if dated_by else None,
            may_end=lambda ext: str(ext) not in rejected,
        )
        self.count(kind, counts)

    def fit(
        self, collection: str, ext: object, model: type[models.Model], row: dict[str, Any]
    ) -> None:
        """Make `row`'s text fit its model's columns, reporting what was cut or left out.

        A name too long for its column is cut; a code too long for its
        column (a placeholder such as "municipalityCode") is left out.
        """
        for name, value in row.items():
            limit = _limits(model).get(name)
            if not isinstance(value, str) or limit is None or len(value) <= limit:
                continue
            if name in _CUT:
                row[name] = value[:limit]
                reason = f"{name} is longer than {limit} characters; cut"
            else:
                row[name] = ""
                reason = f"{name} {value!r} is longer than {limit} characters; left out"
            self.report.reject(collection, ext, reason, FIELD)

    def sync_relation(
        self,
        kind: str,
        model: type[models.Model],
        rows: Rows,
        prefix: str,
        source: str,
        *,
        holders: set[str] | None = None,
        faulted: set[str] | None = None,
    ) -> None:
        """Sync importer-managed relation rows whose key starts with `prefix`.

        A key is `<prefix><holder id>:...`, the holder being the record the
        relation is read from (a child's responsibles, a group's
        memberships, a duty's assignment roles). When `source` is complete,
        rows missing from it end. When it is not (a page, a delta), only the
        missing relations of the records it holds (`holders`) end, for a
        record lists all its relations. Either way the relations of a record
        with a fault (`faulted`; by default every faulted record of
        `source`) stay as they were.
        """
        keep = self.faulted(source) if faulted is None else faulted
        present = holders or set()
        complete = self.data.complete(source)

        def may_end(key: Any) -> bool:
            holder = str(key)[len(prefix) :].split(":", 1)[0]
            return holder not in keep and (complete or holder in present)

        counts, _ = sync(
            model,
            "source_key",
            rows,
            scope=Q(source_key__startswith=prefix),
            end_missing_on=self.today if (complete or present) else None,
            may_end=may_end,
        )
        self.count(kind, counts)
