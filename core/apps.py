from __future__ import annotations

from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The domain: roster, plans, documentation and their services."""

    name = "core"
    verbose_name = "Skolsidan"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Connect the credential hints to Django's sign-out and user saves."""
        from core.services import credentials  # noqa: F401, PLC0415 -- registers receivers
