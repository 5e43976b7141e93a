from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The domain: roster, plans, documentation and their services."""

    name = "core"
    verbose_name = "Skolsidan"
    default_auto_field = "django.db.models.BigAutoField"
