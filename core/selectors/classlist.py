"""A group's class list and contact list, as the viewer may see them.

Who sees which list, and which details in it, is decided in
`permissions.rules` and nowhere here: this module fetches the rows in a
fixed number of queries and leaves out what the rules hide. People with
protected identity appear in neither list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from core.models import (
    Group,
    GroupMembership,
    Guardianship,
    Person,
    Pupil,
    RelationType,
    active_on,
)
from permissions import rules
from permissions.relations import Viewer, today


@dataclass(frozen=True)
class Address:
    """A postal address as the register keeps it."""

    street: str
    postal_code: str
    locality: str


@dataclass(frozen=True)
class GuardianLine:
    """A guardian in a list; a detail hidden from the viewer is None."""

    name: str
    email: str | None = None
    phone: str | None = None
    address: Address | None = None


@dataclass(frozen=True)
class ClassMember:
    """A pupil in a list, with the guardians shown."""

    name: str
    guardians: list[GuardianLine]


def group_pupils(group_id: int) -> QuerySet[Pupil]:
    """The group's pupils today by name (the caller narrows them to the readable)."""
    members = GroupMembership.objects.filter(active_on(today()), group_id=group_id)
    return Pupil.objects.filter(pk__in=members.values("pupil_id")).order_by(
        "person__family_name", "person__given_name", "pk"
    )


def class_members(viewer: Viewer, group: Group, *, contacts: bool) -> list[ClassMember]:
    """The class list (or, with `contacts`, the contact list) as the viewer may see it."""
    allowed = rules.can_read_contact_list if contacts else rules.can_read_class_list
    if not allowed(viewer, group):
        return []
    day = today()
    members = GroupMembership.objects.filter(active_on(day), group_id=group.pk)
    pupils = [
        m.pupil
        for m in members.select_related("pupil__person").order_by(
            "pupil__person__family_name", "pupil__person__given_name", "pupil_id"
        )
        if rules.in_class_list(m.pupil.person)
    ]
    rights = Q(relation_type=RelationType.CUSTODIAN) | Q(rights_until__gte=day)
    guardianships = (
        Guardianship.objects.filter(active_on(day), rights, pupil__in=pupils)
        .select_related("guardian")
        .order_by("guardian__family_name", "guardian__given_name", "guardian_id")
    )
    guardians: dict[int, list[GuardianLine]] = defaultdict(list)
    for guardianship in guardianships:
        person = guardianship.guardian
        if rules.in_class_list(person):
            line = _line(viewer, group, person) if contacts else GuardianLine(str(person))
            guardians[guardianship.pupil_id].append(line)
    return [ClassMember(rules.shown_name(viewer, p), guardians[p.pk]) for p in pupils]


def _line(viewer: Viewer, group: Group, person: Person) -> GuardianLine:
    """A guardian's line in the contact list, with what the rules show the viewer."""
    facts = rules.listed_contact_facts(viewer, group, person)
    shown = rules.shows_contact_details(facts)
    address = Address(person.street_address, person.postal_code, person.locality)
    return GuardianLine(
        name=str(person),
        email=person.email if shown else None,
        phone=person.phone if shown else None,
        address=address if rules.shows_address(facts) else None,
    )
