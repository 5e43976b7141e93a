from __future__ import annotations

from django.apps import AppConfig


class PermissionsConfig(AppConfig):
    """The access policy: relations, rules, object grants and the stored access rows."""

    name = "permissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Keep the access rows with every change of a relation or grant."""
        from permissions import access  # noqa: PLC0415  # models are loaded only now

        access.connect()
