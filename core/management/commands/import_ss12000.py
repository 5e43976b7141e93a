"""`manage.py import_ss12000 PATH`: load the roster from SS 12000 JSON."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.importers.records import SCHOOL_TIME
from core.importers.report import ImportReport
from core.importers.source import SourceError, as_delta, load_dataset
from core.importers.ss12000 import MassEnd, import_dataset


class Command(BaseCommand):
    help = "Import organisations, persons, groups, duties, activities and placements (SS 12000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", type=Path, help="A directory of collection files or pages, or one file."
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
        parser.add_argument(
            "--since",
            type=_instant,
            default=None,
            help=(
                "Read PATH as a delta exported after this time (RFC 3339): upsert what "
                "changed, end only what deletedEntities names, end nothing for being absent."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would change and write nothing.",
        )
        parser.add_argument(
            "--allow-mass-end",
            action="store_true",
            help=(
                "Write even if the run ends more than IMPORT_MAX_END_PERCENT of the open "
                "rows of some kind (an export that really dropped them)."
            ),
        )
        parser.add_argument(
            "--report",
            type=Path,
            default=None,
            help="Write the report here (<path>.json and <path>.txt); default IMPORT_REPORT_DIR.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            dataset = load_dataset(options["path"])
        except SourceError as error:
            raise CommandError(f"Nothing imported: {error}") from None
        if options["since"] is not None:
            dataset, unchanged = as_delta(dataset, options["since"])
            since = f"{options['since']:%Y-%m-%d %H:%M:%S%z}"
            self.stdout.write(f"Delta after {since}: {unchanged} records unchanged since then")
        try:
            report = import_dataset(
                dataset,
                today=options["today"],
                progress=True,
                dry_run=options["dry_run"],
                allow_mass_end=options["allow_mass_end"],
            )
        except MassEnd as stop:
            self._write(stop.report, options["report"])
            raise CommandError(str(stop)) from None
        self._write(report, options["report"])
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was written.")

    def _write(self, report: ImportReport, stem: Path | None) -> None:
        for line in report.lines(every_fault=False):
            self.stdout.write(line)
        if stem is None:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            stem = Path(settings.IMPORT_REPORT_DIR) / f"import-{stamp}"
        as_json, as_text = report.write(stem)
        self.stdout.write(f"Report: {as_json} and {as_text}")


def _instant(text: str) -> dt.datetime:
    """An RFC 3339 time; one without an offset is Swedish time."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=SCHOOL_TIME)
