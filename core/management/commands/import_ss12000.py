"""`manage.py import_ss12000 PATH`: load the roster from SS 12000 JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importers.report import ImportReport
from core.importers.source import SourceError, load_dataset
from core.importers.ss12000 import import_dataset

_SHOWN_REJECTIONS = 50


class Command(BaseCommand):
    help = "Import organisations, persons, groups, duties, activities and placements (SS 12000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="A directory of collection files, or one file."
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help=(
                "Import as of this day (YYYY-MM-DD); "
                "relations gone from the source end the day before."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            dataset = load_dataset(options["path"])
        except SourceError as error:
            raise CommandError(f"Nothing imported: {error}") from None
        report = import_dataset(dataset, today=options["today"], progress=True)
        print_report(report, self.stdout.write)


def print_report(report: ImportReport, write: Any) -> None:
    """The counts per kind, then the rejections with their reasons."""
    write(f"{'':15}{'created':>9}{'updated':>9}{'ended':>9}")
    for kind, (created, updated, ended) in report.as_table().items():
        write(f"{kind:15}{created:>9}{updated:>9}{ended:>9}")
    totals = report.totals
    write(
        f"Total: {totals['created']} created, {totals['updated']} updated, "
        f"{totals['ended']} ended, {totals['rejected']} rejected."
    )
    for rejection in report.rejections[:_SHOWN_REJECTIONS]:
        write(f"  rejected {rejection}")
    if len(report.rejections) > _SHOWN_REJECTIONS:
        write(f"  ... and {len(report.rejections) - _SHOWN_REJECTIONS} more rejections.")
