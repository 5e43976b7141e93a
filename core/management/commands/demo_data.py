"""`manage.py demo_data --pupils N`: a synthetic municipality, imported.

The dataset is written as SS 12000 JSON and loaded with the same importer
a real municipality uses, so the demo exercises the real path. Every
account gets the demo password; the logins to try are printed per role.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core.importers.demo import DemoDataset, build_dataset, write_dataset
from core.importers.demo.pages import fill_pages
from core.importers.source import load_dataset
from core.importers.ss12000 import import_dataset
from core.models import (
    DevelopmentPlan,
    Group,
    GroupKind,
    Organisation,
    StaffRole,
    Subject,
    User,
)
from core.selectors.overview import current_term
from core.services.curriculum import curriculum_load
from permissions.codenames import Grant
from permissions.grants import grant_change

ADMIN_USERNAME = "admin"
ANALYTICS_USERNAME = "analys@exempelby.example.com"
_CHUNK = 500
# Demo logins that sign in by e-legitimation (the others are staff).
FAMILY_LOGINS = frozenset({"pupil", "guardian", "guardian_preschool"})


class Command(BaseCommand):
    help = "Write a synthetic SS 12000 municipality, import it and print demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--pupils", type=int, default=300, help="How many children and pupils."
        )
        parser.add_argument("--out", type=Path, help="Keep the SS 12000 files in this folder.")
        parser.add_argument("--password", default="demo", help="Password of every demo account.")
        parser.add_argument("--seed", type=int, default=2026, help="Seed of the generator.")
        parser.add_argument(
            "--strong-login",
            action="store_true",
            help="Keep strong login required, as a real organiser does: a pupil's page then "
            "needs e-legitimation (docs/login.md), and the demo people's identity numbers are "
            "printed for the test provider. Without it the demo organiser relaxes it, so the "
            "demo passwords open every page.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            dataset = build_dataset(pupils=options["pupils"], seed=options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        if options["out"]:
            self.load(dataset, options["out"])
        else:
            with tempfile.TemporaryDirectory(prefix="ss12000-demo-") as folder:
                self.load(dataset, Path(folder))
        set_demo_passwords(dataset, options["password"])
        Organisation.objects.update(strong_login_required=options["strong_login"])
        self.fill(options["seed"])
        self.print_logins(dataset, options["password"], strong=options["strong_login"])

    def load(self, dataset: DemoDataset, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        write_dataset(dataset, folder)
        self.stdout.write(f"SS 12000 files in {folder}")
        report = import_dataset(load_dataset(folder), progress=True)
        for line in report.lines(every_fault=False):
            self.stdout.write(line)
        curriculum_load()

    def fill(self, seed: int) -> None:
        """Plans, goals, assessments, logs and posts for every class, by its staff."""
        term = current_term()
        subjects = list(Subject.objects.filter(code__in=["MA", "SV", "EN"]))
        filled = 0
        for group in Group.objects.filter(
            kind__in=[GroupKind.CLASS, GroupKind.DEPARTMENT]
        ).order_by("pk"):
            staff = (
                User.objects.filter(
                    person__staff_assignments__group=group,
                    person__staff_assignments__role=StaffRole.MENTOR,
                )
                .order_by("pk")
                .first()
            )
            if (
                staff is None
                or DevelopmentPlan.objects.filter(
                    pupil__memberships__group=group, term=term
                ).exists()
            ):
                continue
            filled += fill_pages(
                group, term=term, author=staff, subjects=subjects, seed=seed
            ).plans
        self.stdout.write(f"{filled} development plans for {term} with goals, answers and logs")

    def print_logins(self, dataset: DemoDataset, password: str, *, strong: bool) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {password}):")
        numbers = dict(
            User.objects.filter(
                username__in=[login.username for login in dataset.logins]
            ).values_list("username", "person__civic_no")
        )
        for login in dataset.logins:
            self.stdout.write(f"  {login.role:19} {login.username:46} {login.description}")
            if strong and login.role in FAMILY_LOGINS and numbers.get(login.username):
                self.stdout.write(f"  {'':19} e-legitimation: {numbers[login.username]}")
        self.stdout.write(
            f"  {'analytics':19} {ANALYTICS_USERNAME:46} summaries of the whole municipality"
        )
        self.stdout.write(f"  {'django admin':19} {ADMIN_USERNAME:46} the service's operator")
        if strong:
            self.stdout.write(
                "Strong login is required: a password signs in but opens no pupil's page "
                "(STRONG_AUTH_REQUIRED). At /login/, families sign in by e-legitimation with "
                "the identity number, staff with the municipality's provider by username."
            )
        else:
            self.stdout.write(
                "Strong login is relaxed for the demo organiser, so passwords open pupils' "
                "pages (`demo_data --strong-login` keeps it required)."
            )
        self.stdout.write(
            "On first sign-in, accept the terms of use: "
            f'mutation {{ termsAccept(input: {{version: "{settings.TERMS_VERSION}"}}) '
            "{ errors { message } } }"
        )


def set_demo_passwords(dataset: DemoDataset, password: str) -> None:
    """Give every account of the dataset, and the operator, `password`.

    One hash is shared by all: hashing each of thousands of accounts with
    Argon2 would take minutes, and these are throwaway demo accounts.
    """
    encoded = make_password(password)
    usernames = [
        person["eduPersonPrincipalNames"][0]
        for person in dataset.collections["persons"]
        if person.get("eduPersonPrincipalNames")
    ]
    with transaction.atomic():
        for start in range(0, len(usernames), _CHUNK):
            User.objects.filter(username__in=usernames[start : start + _CHUNK]).update(
                password=encoded
            )
        admin, _ = User.objects.get_or_create(
            username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True}
        )
        analyst, _ = User.objects.get_or_create(username=ANALYTICS_USERNAME)
        for user in (admin, analyst):
            user.password = encoded
            user.save(update_fields=["password"])
        for organisation in Organisation.objects.all():
            grant_change(grant=Grant.ANALYTICS, user=analyst, obj=organisation)
