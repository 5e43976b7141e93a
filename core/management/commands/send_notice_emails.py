"""`manage.py send_notice_emails`: the notice email worker (queue, then send)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections

from core.services.email import digests_queue, digests_send


class Command(BaseCommand):
    help = (
        "Queue a digest of new notices for each person who is due one and mail the due "
        "digests; repeats every --sleep seconds until stopped, or once with --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One round, then exit (cron).")
        parser.add_argument("--sleep", type=int, default=60, help="Seconds between rounds.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sleep"] < 1:
            raise CommandError("--sleep must be at least 1.")
        if options["once"]:
            self._round()
            return
        while True:
            # A long-lived worker outlives database connections and outages:
            # it drops a broken connection, says why and tries again next round.
            close_old_connections()
            try:
                self._round()
            except DatabaseError as error:
                self.stderr.write(f"Database error, retrying in {options['sleep']} s: {error}")
            time.sleep(options["sleep"])

    def _round(self) -> None:
        queued = digests_queue()
        sent, failed = digests_send()
        self.stdout.write(f"{queued} queued, {sent} sent, {failed} failed.")
