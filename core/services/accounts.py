"""A person's own settings: contact details, mail, profile, the terms of use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core.models import AccountSettings, Person, User
from core.services.common import text
from core.services.errors import Invalid
from core.services.uploads import image_checked, removed_on_failure

_PHONE = re.compile(r"^\+?[0-9 ()-]{5,20}$")
_POSTAL_CODE = re.compile(r"^\d{3} ?\d{2}$")


@dataclass(frozen=True)
class ContactChanges:
    """New contact details; None leaves a field as it is, "" empties it."""

    email: str | None = None
    phone: str | None = None
    mobile_phone: str | None = None
    street_address: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    visible_to_families: bool | None = None


@dataclass(frozen=True)
class PreferenceChanges:
    """New mail preferences and profile text; None leaves a field as it is."""

    email_important: bool | None = None
    email_messages: bool | None = None
    email_system: bool | None = None
    description: str | None = None


def settings_update(
    *, actor: User, contact: ContactChanges, preferences: PreferenceChanges
) -> AccountSettings:
    """Save the changes given; nothing is saved if any of them is refused."""
    person_fields = _contact_fields(actor, contact)
    own = _preference_fields(preferences)
    with transaction.atomic():
        if person_fields:
            # Only an edit of the details themselves keeps the register's off them.
            edited = set(person_fields) - {"contact_visible_to_families"}
            extra = {"contact_edited": True} if edited else {}
            Person.objects.filter(pk=actor.person_id or 0).update(**person_fields, **extra)
        row = _own_row(actor)
        for name, value in own.items():
            setattr(row, name, value)
        row.save()
        return row


def settings_photo_set(*, actor: User, photo: IO[bytes] | Any | None) -> AccountSettings:
    """Set the profile photo, or remove it with None."""
    picture = None if photo is None else image_checked(photo, "photo")
    with removed_on_failure() as stored, transaction.atomic():
        row = _own_row(actor)
        old = row.photo.name if row.photo else None
        row.photo = picture
        row.save()
        if row.photo:
            stored.append(row.photo.name)
    if old:
        row.photo.storage.delete(old)
    return row


def terms_accept(*, actor: User, version: str) -> User:
    """Accept the terms of use; only the current version can be accepted."""
    if version != settings.TERMS_VERSION:
        raise Invalid(f"The current terms are version {settings.TERMS_VERSION}.", field="version")
    actor.terms_version, actor.terms_accepted_at = version, timezone.now()
    actor.save(update_fields=["terms_version", "terms_accepted_at"])
    return actor


def _own_row(actor: User) -> AccountSettings:
    """The actor's settings row, locked; created if missing.

    Two tabs creating it at once are fine: `get_or_create` reads the row the
    other one made when its insert hits the unique key.
    """
    return AccountSettings.objects.select_for_update().get_or_create(user=actor)[0]


def _contact_fields(actor: User, contact: ContactChanges) -> dict[str, Any]:
    changes = {k: v for k, v in vars(contact).items() if v is not None}
    if not changes:
        return {}
    person = Person.objects.filter(pk=actor.person_id or 0).first()
    if person is None:
        raise Invalid("This account has no contact details to edit.")
    fields: dict[str, Any] = {}
    if "visible_to_families" in changes:
        fields["contact_visible_to_families"] = changes.pop("visible_to_families")
    for name, value in changes.items():
        fields[name] = _contact_value(person, name, str(value).strip())
    return fields


def _contact_value(person: Person, name: str, value: str) -> str:
    field = _camel(name)
    if not value:
        return value
    if name in {"street_address", "postal_code", "locality"} and person.has_protected_identity:
        raise Invalid("No address is kept for a person with protected identity.", field=field)
    if name == "email":
        try:
            validate_email(value)
        except ValidationError as error:
            raise Invalid("Not an email address.", field=field) from error
    if name in {"phone", "mobile_phone"} and not _PHONE.match(value):
        raise Invalid("A phone number has 5 to 20 digits, e.g. 070-123 45 67.", field=field)
    if name == "postal_code" and not _POSTAL_CODE.match(value):
        raise Invalid("A postal code has five digits, e.g. 123 45.", field=field)
    limit = getattr(Person._meta.get_field(name), "max_length", None) or 200
    return text(value, field, limit=limit)


def _preference_fields(preferences: PreferenceChanges) -> dict[str, Any]:
    fields = {k: v for k, v in vars(preferences).items() if v is not None}
    if "description" in fields:
        fields["description"] = text(
            fields["description"], "description", required=False, limit=2_000
        )
    return fields


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
