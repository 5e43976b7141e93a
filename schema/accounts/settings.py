"""The viewer's own settings and the terms of use, read and changed."""

from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.conf import settings
from django.urls import reverse
from strawberry.file_uploads import Upload

from core.models import AccountSettings, User
from core.selectors.accounts import account_settings, terms_pending
from core.services import accounts
from core.services.accounts import ContactChanges, PreferenceChanges
from schema.context import Info
from schema.errors import UserError
from schema.payloads import perform


@strawberry.type(name="Settings", description="What the viewer chose for themself.")
class SettingsType:
    row: strawberry.Private[AccountSettings]
    user: strawberry.Private[User]

    @strawberry.field(description="Email important notices.")
    def email_important(self) -> bool:
        return self.row.email_important

    @strawberry.field(description="Email news from the school and the class.")
    def email_messages(self) -> bool:
        return self.row.email_messages

    @strawberry.field(description="Email system messages.")
    def email_system(self) -> bool:
        return self.row.email_system

    @strawberry.field(description="A few words about oneself.")
    def description(self) -> str:
        return self.row.description

    @strawberry.field(description="Where the viewer's photo is served (to the viewer only).")
    def photo_url(self) -> str | None:
        return reverse("account-photo") if self.row.photo else None

    @strawberry.field(description="The terms version accepted, empty if none.")
    def terms_version(self) -> str:
        return self.user.terms_version

    @strawberry.field(description="When the terms were accepted.")
    def terms_accepted_at(self) -> dt.datetime | None:
        return self.user.terms_accepted_at

    @strawberry.field(description="The current terms version, which `termsAccept` takes.")
    def current_terms_version(self) -> str:
        return str(settings.TERMS_VERSION)

    @strawberry_django.field(
        description="True until the current terms are accepted; nothing else works until then."
    )
    def terms_pending(self) -> bool:
        return terms_pending(self.user)

    @strawberry.field(description="The viewer's own contact details.")
    def contact(self) -> ContactType | None:
        person = self.user.person
        return None if person is None else ContactType.from_person(person)

    @classmethod
    def of(cls, user: User, row: AccountSettings | None = None) -> SettingsType:
        """The settings type of `user` (their stored row, or the defaults)."""
        return cls(row=row or account_settings(user), user=user)


@strawberry.type(name="Contact", description="One's own phones, email and address.")
class ContactType:
    email: str = strawberry.field(description="Email address.")
    phone: str = strawberry.field(description="Phone.")
    mobile_phone: str = strawberry.field(description="Mobile phone.")
    street_address: str = strawberry.field(description="Street address.")
    postal_code: str = strawberry.field(description="Postal code.")
    locality: str = strawberry.field(description="Locality.")
    visible_to_families: bool = strawberry.field(
        description="The guardians of the other pupils in one's children's groups see "
        "one's phone and email (not the mobile phone), unless one has protected identity. "
        "The address is never shown to other families."
    )

    @classmethod
    def from_person(cls, person: object) -> ContactType:
        """The contact type of the viewer's own person."""
        fields = ("email", "phone", "mobile_phone", "street_address", "postal_code", "locality")
        values = {name: getattr(person, name) for name in fields}
        return cls(**values, visible_to_families=person.contact_visible_to_families)  # type: ignore[attr-defined]


@strawberry.input(description="Settings to change; a field left out stays as it is.")
class SettingsUpdateInput:
    email: str | None = strawberry.field(default=None, description="Email address.")
    phone: str | None = strawberry.field(default=None, description="Phone.")
    mobile_phone: str | None = strawberry.field(default=None, description="Mobile phone.")
    street_address: str | None = strawberry.field(default=None, description="Street address.")
    postal_code: str | None = strawberry.field(default=None, description="Postal code.")
    locality: str | None = strawberry.field(default=None, description="Locality.")
    visible_to_families: bool | None = strawberry.field(
        default=None,
        description="Show one's phone and email (not the mobile phone) to the guardians of "
        "the other pupils in one's children's groups; never with protected identity. The "
        "address is never shown to other families.",
    )
    email_important: bool | None = strawberry.field(
        default=None, description="Email important notices."
    )
    email_messages: bool | None = strawberry.field(
        default=None, description="Email news from the school and the class."
    )
    email_system: bool | None = strawberry.field(
        default=None, description="Email system messages."
    )
    description: str | None = strawberry.field(
        default=None, description="A few words about oneself."
    )


@strawberry.input(description="A new profile photo, or none to remove it.")
class SettingsPhotoSetInput:
    photo: Upload | None = strawberry.field(default=None, description="JPEG, PNG, WebP or GIF.")


@strawberry.input(description="Accept the terms of use.")
class TermsAcceptInput:
    version: str = strawberry.field(description="The version read (`currentTermsVersion`).")


@strawberry.type(description="The settings after the change, or why nothing changed.")
class SettingsPayload:
    settings: SettingsType | None = strawberry.field(description="Null on error.")
    errors: list[UserError] = strawberry.field(
        description="Empty on success; otherwise why nothing was changed."
    )


def _payload(
    user_and_row: tuple[User, AccountSettings] | None, errors: list[UserError]
) -> SettingsPayload:
    if user_and_row is None:
        return SettingsPayload(settings=None, errors=errors)
    user, row = user_and_row
    if user.person is not None:
        user.person.refresh_from_db()  # contact details were written with update()
    return SettingsPayload(settings=SettingsType.of(user, row), errors=errors)


@strawberry.type
class SettingsMutation:
    @strawberry_django.mutation(description="Change one's contact details, mail and profile.")
    def settings_update(self, info: Info, input: SettingsUpdateInput) -> SettingsPayload:
        contact = ContactChanges(
            email=input.email,
            phone=input.phone,
            mobile_phone=input.mobile_phone,
            street_address=input.street_address,
            postal_code=input.postal_code,
            locality=input.locality,
            visible_to_families=input.visible_to_families,
        )
        preferences = PreferenceChanges(
            email_important=input.email_important,
            email_messages=input.email_messages,
            email_system=input.email_system,
            description=input.description,
        )
        return _payload(
            *perform(
                info,
                lambda actor: (
                    actor,
                    accounts.settings_update(
                        actor=actor, contact=contact, preferences=preferences
                    ),
                ),
            )
        )

    @strawberry_django.mutation(description="Set or remove one's profile photo.")
    def settings_photo_set(self, info: Info, input: SettingsPhotoSetInput) -> SettingsPayload:
        return _payload(
            *perform(
                info,
                lambda actor: (actor, accounts.settings_photo_set(actor=actor, photo=input.photo)),
            )
        )

    @strawberry_django.mutation(description="Accept the terms of use (asked on first login).")
    def terms_accept(self, info: Info, input: TermsAcceptInput) -> SettingsPayload:
        user, errors = perform(
            info,
            lambda actor: accounts.terms_accept(actor=actor, version=input.version),
            before_terms=True,
        )
        return _payload(None if user is None else (user, account_settings(user)), errors)
