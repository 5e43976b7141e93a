"""Bearer tokens for front ends that do not use the browser session."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """A revocable bearer token; only a hash of the secret is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'iPad app'.")
    prefix = models.CharField(
        max_length=12, help_text="The first characters of the token, to recognise it."
    )
    digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    assurance = models.PositiveSmallIntegerField(
        default=1,
        help_text="The level of assurance (1-4) of the sign-in that made it; never higher.",
    )

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class FederatedSignIn(models.Model):
    """A session started by an identity provider, so its back-channel logout can end it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="federated_sign_ins"
    )
    provider = models.CharField(max_length=40, help_text="The provider's name in settings.")
    subject = models.CharField(max_length=255, help_text="The provider's `sub` for the user.")
    sid = models.CharField(max_length=255, blank=True, help_text="The provider's session id.")
    session_key = models.CharField(max_length=40, unique=True)
    assurance = models.PositiveSmallIntegerField(help_text="The level of assurance (1-4).")
    acr = models.CharField(max_length=255, blank=True, help_text="What the provider vouched.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["provider", "sid"]),
            models.Index(fields=["provider", "subject"]),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.subject}"


class AccountSettings(models.Model):
    """What a signed-in person chooses for themselves: mail and profile.

    Created on first use; a missing row means the defaults below.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings"
    )
    email_important = models.BooleanField(
        default=True, help_text="Email important notices (viktiga notiser)."
    )
    email_messages = models.BooleanField(
        default=True, help_text="Email news from the school and the class."
    )
    email_system = models.BooleanField(default=False, help_text="Email system messages.")
    description = models.TextField(blank=True, help_text="A few words about oneself.")
    photo = models.ImageField(
        upload_to="photos/%Y/%m/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True)
    photo_height = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Inställningar för {self.user_id}"
