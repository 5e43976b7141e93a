"""`manage.py token_create USERNAME`: a bearer token for a front end."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from core.models import User
from core.services.errors import ServiceError
from core.services.tokens import token_create


class Command(BaseCommand):
    help = "Create a bearer token for USERNAME and print its secret once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the token is for.")
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Days until it expires (TOKEN_DEFAULT_DAYS when left out, at most "
            "TOKEN_MAX_DAYS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['username']!r}.")
        try:
            token, secret = token_create(user=user, name=options["name"], days=options["days"])
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(secret)
        expires = (
            f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}" if token.expires_at else "?"
        )
        self.stderr.write(
            f"Token {token.pk} ({token.name}) for {user.username}, expires {expires}; "
            "shown only now."
        )
