"""What an import did, for the command's output and for tests."""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Rejection:
    """One record (or one relation inside a record) that was skipped."""

    collection: str
    record_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.collection} {self.record_id}: {self.reason}"


@dataclass
class ImportReport:
    """Counts per kind of row, and every rejection with its reason."""

    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, collection: str, record_id: object, reason: str) -> None:
        """Record that a record was skipped, and why."""
        self.rejections.append(Rejection(collection, str(record_id), reason))

    @property
    def totals(self) -> dict[str, int]:
        """Created, updated, ended and rejected over all kinds."""
        return {
            "created": sum(c.created for c in self.counts.values()),
            "updated": sum(c.updated for c in self.counts.values()),
            "ended": sum(c.ended for c in self.counts.values()),
            "rejected": len(self.rejections),
        }

    def as_table(self) -> dict[str, tuple[int, int, int]]:
        """(created, updated, ended) per kind, for exact assertions."""
        return {k: (c.created, c.updated, c.ended) for k, c in self.counts.items()}
