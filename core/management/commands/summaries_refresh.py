"""`manage.py summaries_refresh`: count every summary of a term anew and keep it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.selectors.analytics import summaries_refresh
from core.selectors.overview import current_term
from core.services.common import check_term
from core.services.errors import Invalid


class Command(BaseCommand):
    help = (
        "Count the summaries of every organiser, school and class for a term and keep "
        "them for SUMMARY_CACHE_SECONDS, so that readers never wait for a count. Run it "
        "from cron somewhat more often than that."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--term", help="HT2026 or VT2027; the current term by default.")

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = int(settings.SUMMARY_CACHE_SECONDS)
        if seconds <= 0:
            raise CommandError("Summaries are not kept (SUMMARY_CACHE_SECONDS=0); nothing to do.")
        if str(settings.CACHES["default"]["BACKEND"]).endswith("LocMemCache"):
            raise CommandError(
                "Summaries are kept in each server's own memory; set REDIS_URL so that "
                "the servers read what this command counts."
            )
        term = options["term"] or current_term()
        try:
            check_term(term)
        except Invalid as error:
            raise CommandError(f"--term {term!r}: {error.message}") from error
        kept = summaries_refresh(term)
        self.stdout.write(f"{kept} summaries of {term} counted and kept for {seconds} s.")
