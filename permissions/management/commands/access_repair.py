"""`manage.py access_repair [--check]`: rebuild the access rows from the relations."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.models import User
from permissions import access, derived, relations
from permissions.derived import SCOPES

SHOWN = 20


class Command(BaseCommand):
    help = (
        "Compare the stored access rows with the roster relations and grants, report "
        "every difference and write it (with --check, only report, and fail on any)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="Write nothing; exit 1 if any row differs."
        )
        parser.add_argument(
            "--scopes",
            action="store_true",
            help="Also compare every user's scopes today with the relation-derived ones.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            difference = access.rebuild(dry_run=options["check"])
        for sign, rows in (("+", difference.added), ("-", difference.removed)):
            for row in rows[:SHOWN]:
                self.stdout.write(f"{sign} {row}")
            if len(rows) > SHOWN:
                self.stdout.write(f"{sign} ... and {len(rows) - SHOWN} more")
        summary = f"{len(difference.added)} rows missing, {len(difference.removed)} rows stale"
        if options["check"] and difference:
            raise CommandError(f"Access rows differ from the relations: {summary}.")
        verb = "repaired" if difference else "all rows match the relations"
        self.stdout.write(f"Access: {summary}; {verb}.")
        if options["scopes"]:
            self.compare_scopes()

    def compare_scopes(self) -> None:
        """Every user's scopes from the rows against the relation-derived ones, today."""
        day, users, differing = relations.today(), 0, []
        for user in User.objects.filter(is_active=True).iterator():
            users += 1
            for name in SCOPES:
                stored = set(getattr(relations, name)(user, day).values_list("pk", flat=True))
                composed = set(getattr(derived, name)(user, day).values_list("pk", flat=True))
                if stored != composed:
                    differing.append(f"{user.username} {name}: {sorted(stored ^ composed)}")
        for line in differing[:SHOWN]:
            self.stdout.write(line)
        if differing:
            raise CommandError(f"{len(differing)} scopes differ from the relations.")
        self.stdout.write(f"Scopes: {users} users, {len(SCOPES)} scopes each, all agree.")
