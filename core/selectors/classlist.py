"""A group's class list and contact list, as the viewer may see them.

People with protected identity appear in neither. The class list (names of
pupils and their guardians) is for the group's pupils, their guardians and
staff. The contact list adds guardians' phone, email and address: staff see
them all, a guardian sees their own and those of families who chose to
show them to the class. A pupil gets no contact list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from core.models import Group, GroupMembership, Guardianship, Person, RelationType, active_on
from permissions.codenames import Capability
from permissions.relations import Role, Viewer, person_of, today
from permissions.rules import allows, group_roles, in_class_list


@dataclass
class GuardianLine:
    """A guardian in a list; contact fields are None where hidden from the viewer."""

    person: Person
    contact_shown: bool

    @property
    def name(self) -> str:
        """The guardian's name."""
        return str(self.person)


@dataclass
class ClassMember:
    """A pupil in a list, with the guardians shown."""

    name: str
    guardians: list[GuardianLine]


def class_members(viewer: Viewer, group: Group, *, contacts: bool) -> list[ClassMember]:
    """The class list (or, with `contacts`, the contact list) as the viewer may see it."""
    roles = group_roles(viewer, group)
    capability = Capability.READ_GUARDIAN_CONTACTS if contacts else Capability.READ_CLASS_LIST
    if not allows(capability, roles):
        return []
    staff = bool(roles - {Role.PUPIL, Role.GUARDIAN})
    day = today()
    members = GroupMembership.objects.filter(active_on(day), group_id=group.pk)
    pupils = [
        m.pupil
        for m in members.select_related("pupil__person").order_by(
            "pupil__person__family_name", "pupil__person__given_name", "pupil_id"
        )
        if in_class_list(m.pupil.person)
    ]
    rights = Q(relation_type=RelationType.CUSTODIAN) | Q(rights_until__gte=day)
    guardianships = (
        Guardianship.objects.filter(active_on(day), rights, pupil__in=pupils)
        .select_related("guardian")
        .order_by("guardian__family_name", "guardian__given_name", "guardian_id")
    )
    me = person_of(viewer)
    guardians: dict[int, list[GuardianLine]] = defaultdict(list)
    for guardianship in guardianships:
        person = guardianship.guardian
        if in_class_list(person):
            shown = contacts and (staff or person.pk == me or person.contact_visible_to_families)
            guardians[guardianship.pupil_id].append(GuardianLine(person, contact_shown=shown))
    return [ClassMember(str(p.person), guardians[p.pk]) for p in pupils]
