from __future__ import annotations

from django.apps import AppConfig


class PermissionsConfig(AppConfig):
    """The access policy: relations, rules and object grants."""

    name = "permissions"
    default_auto_field = "django.db.models.BigAutoField"
