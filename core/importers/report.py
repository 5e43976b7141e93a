"""What an import did, for the command's output, the report file and tests.

A fault is reported at the level of what it cost:
- `record`: the record was not imported (nothing of it was read);
- `relation`: one relation inside a record was not imported (a guardian, a
  membership, an assignment); the record and its other relations were;
- `field`: the record was imported without one field (an identity number
  that fails its check digit, say).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.importers.sync import Counts

KINDS = (
    "organisations",
    "schools",
    "subjects",
    "persons",
    "accounts",
    "pupils",
    "guardianships",
    "groups",
    "memberships",
    "duties",
    "assignments",
)
RECORD, RELATION, FIELD = "record", "relation", "field"
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


@dataclass(frozen=True)
class Rejection:
    """One record, relation or field that was not imported, and why."""

    collection: str
    record_id: str
    reason: str
    level: str = RECORD

    def __str__(self) -> str:
        return f"{self.collection} {self.record_id}: {self.reason}"


@dataclass
class ImportReport:
    """Counts per kind of row and per collection, and every fault with its reason."""

    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    rejections: list[Rejection] = field(default_factory=list)
    # Per collection: records read, and records left out as outside this
    # service (a group type that says nothing about who teaches whom, ...).
    records_in: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    # Rows ended because the source named them deleted (not for being absent).
    named_deleted: Counter[str] = field(default_factory=Counter)
    # Collections that were not complete snapshots: nothing of theirs ended.
    incomplete: list[str] = field(default_factory=list)

    def reject(self, collection: str, record_id: object, reason: str, level: str = RECORD) -> None:
        """Record that a record (or a relation or field of it) was not imported, and why."""
        self.rejections.append(Rejection(collection, str(record_id), reason, level))

    def skip(self, collection: str) -> None:
        """Count a record left out as outside what this service imports."""
        self.skipped[collection] += 1

    @property
    def totals(self) -> dict[str, int]:
        """Created, updated, ended and rejected records over all kinds."""
        return {
            "created": sum(c.created for c in self.counts.values()),
            "updated": sum(c.updated for c in self.counts.values()),
            "ended": sum(c.ended for c in self.counts.values()),
            "rejected": sum(r.level == RECORD for r in self.rejections),
        }

    def as_table(self) -> dict[str, tuple[int, int, int]]:
        """(created, updated, ended) per kind, for exact assertions."""
        return {k: (c.created, c.updated, c.ended) for k, c in self.counts.items()}

    def per_collection(self) -> dict[str, dict[str, int]]:
        """Per collection read: records in, rejected, skipped, relations and fields dropped."""
        levels: dict[str, Counter[str]] = defaultdict(Counter)
        for rejection in self.rejections:
            levels[rejection.collection][rejection.level] += 1
        return {
            name: {
                "records": self.records_in[name],
                "rejected": levels[name][RECORD],
                "skipped": self.skipped[name],
                "relations dropped": levels[name][RELATION],
                "fields dropped": levels[name][FIELD],
            }
            for name in sorted(self.records_in.keys() | levels.keys())
        }

    def by_reason(self) -> dict[str, list[Rejection]]:
        """Every fault, grouped by its reason with the ids in it written `<id>`."""
        grouped: dict[str, list[Rejection]] = defaultdict(list)
        for rejection in self.rejections:
            reason = _UUID.sub("<id>", rejection.reason)
            grouped[f"{rejection.collection} ({rejection.level}): {reason}"].append(rejection)
        return dict(sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0])))

    def write(self, stem: Path) -> tuple[Path, Path]:
        """The whole report as `<stem>.json` and as readable `<stem>.txt`."""
        stem.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        data: dict[str, Any] = {
            "counts": {k: asdict(c) for k, c in self.counts.items()},
            "collections": self.per_collection(),
            "incomplete": self.incomplete,
            "faults": {
                reason: [asdict(r) for r in items] for reason, items in self.by_reason().items()
            },
        }
        as_json, as_text = stem.with_suffix(".json"), stem.with_suffix(".txt")
        # Ids of people are in it: readable by the service's own account only.
        for path, text in (
            (as_json, json.dumps(data, ensure_ascii=False, indent=2)),
            (as_text, "\n".join(self.lines(every_fault=True))),
        ):
            path.touch(mode=0o600)
            path.chmod(0o600)
            path.write_text(text + "\n", encoding="utf-8")
        return as_json, as_text

    def lines(self, *, every_fault: bool, shown: int = 50) -> list[str]:
        """The report as text: rows per kind, records per collection, faults by reason."""
        out = [f"{'':15}{'created':>9}{'updated':>9}{'ended':>9}"]
        for kind, (created, updated, ended) in self.as_table().items():
            out.append(f"{kind:15}{created:>9}{updated:>9}{ended:>9}")
        totals = self.totals
        out.append(
            f"Total: {totals['created']} created, {totals['updated']} updated, "
            f"{totals['ended']} ended, {totals['rejected']} rejected."
        )
        columns = ("records", "rejected", "skipped", "relations dropped", "fields dropped")
        out.append(f"{'collection':15}" + "".join(f"{c:>19}" for c in columns))
        for name, row in self.per_collection().items():
            out.append(f"{name:15}" + "".join(f"{row[c]:>19}" for c in columns))
        out.extend(
            f"{name}: not a complete snapshot (a pageToken is pending); nothing ended"
            for name in self.incomplete
        )
        for reason, items in self.by_reason().items():
            out.append(f"{len(items)} x {reason}")
            listed = items if every_fault else items[:shown]
            out.extend(f"    {r.record_id}: {r.reason}" for r in listed)
            if len(listed) < len(items):
                out.append(f"    ... and {len(items) - len(listed)} more (see the report file)")
        return out
