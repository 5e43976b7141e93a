"""Accounts from the register: who an identity provider's sign-in is, and ending it.

Whoever signs in with e-legitimation is the roster person with that
personal identity number; staff may instead be known by their
eduPersonPrincipalName, which the SS 12000 import made their username. The
person must hold a role today that the provider is for (families and
pupils, staff, or both). The first sign-in creates the person's account,
with no password; a person who already has one (a password account, an
imported staff login) keeps it, so everyone has one account. Nothing is
created for an identity the register does not know.

`end_federated` is the back-channel logout: the provider says a session of
its has ended, and every session here that it started ends, with the
sockets open on them (`core.services.credentials` hears the deletion
through `credentials_changed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from core.events import credentials_changed, session_digest
from core.identity import parse_civic_number
from core.models import FederatedSignIn, Person, User
from permissions.assurance import Assurance
from permissions.relations import FAMILY_ROLE_NAMES, roles_of_person

# Whom a provider is for (`OIDC_PROVIDERS` "audience").
FAMILIES = "families"
STAFF = "staff"
EVERYONE = "all"


class SignInRefused(Exception):  # noqa: N818 - what the person is told
    """Nobody here to sign in as; `message` is the Swedish sentence the page shows."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


UNKNOWN = (
    "Vi hittar dig inte i skolans register. Kontakta skolans expedition om du är "
    "elev, vårdnadshavare eller personal här."
)
NO_ROLE = (
    "Du finns i skolans register men har ingen aktuell roll här i dag (till exempel ett "
    "barn som gått ut, eller en anställning som har slutat)."
)
WRONG_DOOR = "Den här inloggningen är inte till för din roll här. Välj en annan inloggning."
NO_IDENTITY = "Inloggningen gav inget personnummer eller användarnamn som vi kan känna igen."


@dataclass(frozen=True)
class Identity:
    """What a provider vouched for about the person signing in."""

    provider: str
    subject: str
    audience: str  # "families", "staff" or "all"
    level: Assurance
    acr: str = ""
    civic_no: str = ""
    eppn: str = ""
    sid: str = ""


def _person(identity: Identity) -> tuple[Person | None, User | None]:
    if identity.civic_no:
        try:
            value = parse_civic_number(identity.civic_no).value
        except ValidationError:  # a malformed claim is no identity
            value = ""
        person = Person.objects.filter(civic_no=value).first() if value else None
        if person is not None:
            return person, User.objects.filter(person=person).first()
    if identity.eppn and identity.audience != FAMILIES:
        user = User.objects.filter(username=identity.eppn, person__isnull=False).first()
        if user is not None:
            return user.person, user
    return None, None


def _allowed(roles: set[str], audience: str) -> bool:
    if audience == FAMILIES:
        return bool(roles & FAMILY_ROLE_NAMES)
    if audience == STAFF:
        return bool(roles - FAMILY_ROLE_NAMES)
    return bool(roles)


def account_for(identity: Identity) -> User:
    """The active account of the person signing in, created at the first sign-in.

    Raises SignInRefused (nothing created) for someone the register does not
    know, who holds no role today, or whose roles this provider is not for.
    """
    if not identity.civic_no and not identity.eppn:
        raise SignInRefused("no identity claim", NO_IDENTITY)
    person, user = _person(identity)
    if person is None:
        raise SignInRefused("not in the register", UNKNOWN)
    roles = roles_of_person(person.pk, user.pk if user else None)
    if not roles:
        raise SignInRefused("no role today", NO_ROLE)
    if not _allowed(roles, identity.audience):
        raise SignInRefused(f"roles {sorted(roles)} not for {identity.audience}", WRONG_DOOR)
    if user is not None:
        if not user.is_active:
            raise SignInRefused("account closed", NO_ROLE)
        return user
    with transaction.atomic():
        return User.objects.create(
            username=f"person-{person.external_id or person.pk}",
            password=make_password(None),  # no password: e-legitimation only
            first_name=person.given_name,
            last_name=person.family_name,
            person=person,
        )


def record_federated(user: User, identity: Identity, session_key: str) -> FederatedSignIn:
    """Remember which provider session started this one, for its back-channel logout."""
    FederatedSignIn.objects.filter(session_key=session_key).delete()
    return FederatedSignIn.objects.create(
        user=user,
        provider=identity.provider,
        subject=identity.subject,
        sid=identity.sid,
        session_key=session_key,
        assurance=int(identity.level),
        acr=identity.acr[:255],
    )


def _tell_later(user_id: int, digest: str) -> None:
    transaction.on_commit(lambda: credentials_changed([user_id], ended_session=digest))


def end_federated(provider: str, *, sid: str = "", subject: str = "") -> int:
    """End every session the provider's session (`sid`, else all of `subject`'s) started.

    Returns how many ended. Each socket on them closes at once.
    """
    if not sid and not subject:
        return 0
    match = Q(provider=provider)
    if sid:
        match &= Q(sid=sid)
    if subject:
        match &= Q(subject=subject)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = list(FederatedSignIn.objects.filter(match).values_list("pk", "user_id", "session_key"))
    for _, user_id, key in ended:
        store(session_key=key).delete()
        _tell_later(user_id, session_digest(key))
    FederatedSignIn.objects.filter(pk__in=[pk for pk, _, _ in ended]).delete()
    return len(ended)
