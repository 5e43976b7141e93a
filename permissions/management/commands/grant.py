"""`manage.py grant ROLE USERNAME --school CODE`: give or take a stored role."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models

from core.models import Group, Organisation, Pupil, School, User
from permissions.codenames import Grant
from permissions.grants import GrantError, grant_change


def _by_id(
    model: type[models.Model], value: str, *, code: str = "", uuid_field: str = "external_id"
) -> models.Model | None:
    """A row by primary key, SS 12000 id (`uuid_field`), or text `code` field."""
    lookups: list[dict[str, object]] = [{code: value}] if code else []
    if value.isdigit():
        lookups.append({"pk": int(value)})
    with contextlib.suppress(ValueError):
        lookups.append({uuid_field: uuid.UUID(value)})
    return next(
        (
            found
            for lookup in lookups
            if (found := model._default_manager.filter(**lookup).first())
        ),
        None,
    )


class Command(BaseCommand):
    help = "Grant (or with --revoke take back) a role on a school, organisation, group or pupil."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", choices=[grant.value for grant in Grant])
        parser.add_argument("username")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--school", help="School unit code, id or SS 12000 id.")
        target.add_argument("--organisation", help="Organisation id or SS 12000 id.")
        target.add_argument("--group", help="Group id or SS 12000 id.")
        target.add_argument("--pupil", help="Pupil id, or the pupil's SS 12000 person id.")
        parser.add_argument("--revoke", action="store_true", help="Take the role back.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        obj = self.target(options)
        try:
            grant_change(
                grant=Grant(options["role"]), user=user, obj=obj, revoke=options["revoke"]
            )
        except GrantError as error:
            raise CommandError(str(error)) from None
        verb = "Revoked" if options["revoke"] else "Granted"
        self.stdout.write(f"{verb} {options['role']} for {user.username} on {obj}.")

    @staticmethod
    def target(options: dict[str, Any]) -> models.Model:
        """The object the options name, or a clear error."""
        kinds: dict[str, tuple[type[models.Model], dict[str, str]]] = {
            "school": (School, {"code": "school_unit_code"}),
            "organisation": (Organisation, {}),
            "group": (Group, {}),
            "pupil": (Pupil, {"uuid_field": "person__external_id"}),
        }
        kind = next(k for k in kinds if options[k])
        model, lookups = kinds[kind]
        obj = _by_id(model, options[kind], **lookups)
        if obj is None:
            raise CommandError(f"No {kind} {options[kind]!r}.")
        return obj
