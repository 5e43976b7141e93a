"""`manage.py sync_ss12000`: pull the roster from the SS 12000 API server of the settings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.importers.client import SyncError
from core.importers.live import Locked, configured_server, sync
from core.models import SyncOutcome


class Command(BaseCommand):
    help = "Sync organisations, persons, groups, duties, activities and placements from SS 12000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full",
            action="store_true",
            help="Load everything, not what changed since the last run.",
        )
        parser.add_argument(
            "--allow-mass-end",
            action="store_true",
            help="Write even if the run ends more than IMPORT_MAX_END_PERCENT of some kind.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        server = configured_server()
        if server is None:
            raise CommandError("No SS 12000 server is configured (SS12000_URL).")
        try:
            run, report = sync(
                server,
                full=options["full"],
                allow_mass_end=options["allow_mass_end"],
                say=lambda line: self.stderr.write(line) if options["verbosity"] > 1 else None,
            )
        except Locked as error:
            raise CommandError(str(error)) from None
        except SyncError as error:
            raise CommandError(f"Nothing imported: {error}") from None
        kind = "delta" if run.delta_after else "full load"
        self.stdout.write(f"Sync {run.pk} ({kind} from {run.source}): {run.outcome}")
        if report is not None:
            for line in report.lines(every_fault=False):
                self.stdout.write(line)
        if run.outcome == SyncOutcome.STOPPED:
            raise CommandError(run.message)
