"""`manage.py load_curriculum`: subjects and requirements from core/data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from core.services.curriculum import DATA_FILE, curriculum_load


class Command(BaseCommand):
    help = "Load Lgr22 and Lpfö18 subjects and knowledge requirements (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--path", type=Path, default=DATA_FILE, help="A curriculum JSON file.")

    def handle(self, *args: Any, **options: Any) -> None:
        created = curriculum_load(path=options["path"])
        self.stdout.write(", ".join(f"{n} {kind} created" for kind, n in created.items()))
