"""People and their login accounts.

A Person is a human the roster knows of: a pupil, a guardian or a member of
staff, possibly several at once (a teacher who is also a parent). The
identity number is stored here, once. A User is an optional login linked to
a Person; preschool children and guardians who have not signed in have none.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

from core.identity import validate_civic_number


class SecurityMarking(models.TextChoices):
    """SS 12000 `securityMarking`, as the population register reports it."""

    NONE = "Ingen", "Ingen"
    CONFIDENTIAL = "Sekretessmarkering", "Sekretessmarkering"
    PROTECTED_REGISTRATION = "Skyddad folkbokföring", "Skyddad folkbokföring"


class Person(models.Model):
    """A pupil, guardian or member of staff known from the school register."""

    external_id = models.UUIDField(
        unique=True, null=True, blank=True, help_text="SS 12000 person id."
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    civic_no = models.CharField(
        "personal identity number",
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_civic_number],
        help_text="Twelve characters, no separator. Shown to school administrators only.",
    )
    birth_date = models.DateField(null=True, blank=True)
    security_marking = models.CharField(
        max_length=32, choices=SecurityMarking.choices, default=SecurityMarking.NONE
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    mobile_phone = models.CharField(max_length=40, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    locality = models.CharField(max_length=100, blank=True)
    contact_visible_to_families = models.BooleanField(
        default=False,
        help_text="Whether other families in the class may see the contact details.",
    )
    contact_edited = models.BooleanField(
        default=False,
        help_text="The person edited their contact details here; imports leave them be.",
    )

    class Meta:
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def has_protected_identity(self) -> bool:
        """True for skyddade personuppgifter: any marking other than Ingen."""
        return self.security_marking != SecurityMarking.NONE

    @property
    def alias(self) -> str:
        """The name shown outside the person's own circle when protected.

        Derived from the row id so it is stable and reveals nothing.
        """
        digest = hashlib.sha256(f"person:{self.pk}".encode()).hexdigest()[:6].upper()
        return f"Skyddad {digest}"


class User(AbstractUser):
    """A login account; `person` ties it to the roster."""

    person = models.OneToOneField(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
        help_text="The roster person this account signs in as.",
    )
    # On the user row, which authentication loads anyway, so checking the
    # terms on every request costs no query.
    terms_version = models.CharField(
        max_length=20, blank=True, help_text="The version of the terms of use accepted."
    )
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
