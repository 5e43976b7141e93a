"""Access as data: the stored rows that say who may see which pupil, group and school.

Who stands in which role toward whom follows from the roster (memberships,
guardianships, staff assignments, mentors, duties) and the stored grants.
This module derives that standing as dated rows (`permissions.models.Access`)
and keeps them current, so that a scope in `permissions.relations` is one
indexed lookup by viewer and day instead of a union composed per request.

The rules, written once here and checked against the relation-derived
scopes of `permissions.derived` in tests on random roster histories:

| toward | role | given by | for the days of |
|---|---|---|---|
| pupil | pupil | being the pupil | always |
| pupil | guardian | a guardianship with rights | the guardianship, rights (1) |
| pupil | teacher, mentor | an assignment to a group of the pupil | both |
| pupil | teacher | a group-teacher grant on a group of the pupil | the membership |
| pupil | mentor | mentoring the pupil | the mentoring |
| pupil | principal, admin, health | a holder at the pupil's school (2) | the duty, or always |
| pupil | shared | a share grant on the pupil | always |
| group | pupil, guardian | a membership (the pupil's, a child's) | the membership, rights (1) |
| group | teacher, mentor | an assignment, a group-teacher grant | the assignment, or always |
| group | principal, admin, health, analytics | a holder at its school (2) | the duty, or always |
| school | principal, admin, health, analytics | a holder at the school (2) | the duty, or always |
| school | staff | any duty at the school | the duty |

(1) A custodian's rights hold through the guardianship, another's through
`rights_until`; both end the day before the pupil's 18th birthday unless
the pupil agreed. (2) A grant on the school or its organiser, or a leading
duty (principal, preschool head, school administrator).

Rows are refreshed by target: a save or delete of a relation or grant marks
the pupils, groups and schools it touches (signals, so the admin, the
grant command and every service are covered), and their rows are
recomputed and only the difference written, in the same transaction. The
importer writes in bulk, which sends no signals: it rebuilds every row at
the end of its transaction (`rebuilt_after`), and a second run writes
nothing. `manage.py access_repair` rebuilds everything and reports what
differed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Self

from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_save

from core.models import (
    Duty,
    DutyRole,
    Group,
    GroupMembership,
    Guardianship,
    Person,
    Pupil,
    PupilMentor,
    RelationType,
    School,
    StaffAssignment,
)
from permissions.codenames import Grant
from permissions.models import Access, GroupGrant, OrganisationGrant, PupilGrant, SchoolGrant

FIRST = dt.date.min
LAST = dt.date.max
ADULT_AGE = 18
# Any duty at a school: a member of its staff (a row for the school only).
STAFF = "staff"
# Roles a school-wide grant or a leading duty gives.
SCHOOL_ROLE_OF_GRANT = {
    Grant.PRINCIPAL: "principal",
    Grant.SCHOOL_ADMIN: "school_admin",
    Grant.STUDENT_HEALTH: "student_health",
    Grant.ANALYTICS: "analytics",
}
SCHOOL_ROLE_OF_DUTY = {
    DutyRole.PRINCIPAL: "principal",
    DutyRole.PRESCHOOL_HEAD: "principal",
    DutyRole.SCHOOL_ADMINISTRATOR: "school_admin",
}
# School-wide roles that reach a school's pupils (analytics never does).
PUPIL_READING = frozenset({"principal", "school_admin", "student_health"})
_BATCH = 500


class Row(NamedTuple):
    """One access row as a value: who, toward what, as what, when, from what."""

    person: int | None
    user: int | None
    pupil: int | None
    group: int | None
    school: int | None
    role: str
    first_day: dt.date
    last_day: dt.date
    source: str


@dataclass(frozen=True)
class Holder:
    """Someone holding a school-wide role at a school over a period."""

    person: int | None
    user: int | None
    role: str
    first_day: dt.date
    last_day: dt.date
    source: str

    def toward(
        self, *, pupil: int | None = None, group: int | None = None, school: int | None = None
    ) -> Row:
        """The holder's row toward a pupil, group or school of the school."""
        days = (self.first_day, self.last_day)
        return Row(self.person, self.user, pupil, group, school, self.role, *days, self.source)


Period = tuple[dt.date, dt.date]


def period(relation: dict[str, Any]) -> Period | None:
    """A dated relation's inclusive period, open sides made explicit; None when empty."""
    return meet((relation["start_date"] or FIRST, relation["end_date"] or LAST))


def meet(*periods: Period) -> Period | None:
    """The days every period holds, or None when they never overlap."""
    first = max(p[0] for p in periods)
    last = min(p[1] for p in periods)
    return (first, last) if first <= last else None


def coming_of_age(born: dt.date) -> dt.date:
    """The 18th birthday; someone born on 29 February comes of age on 1 March."""
    try:
        return born.replace(year=born.year + ADULT_AGE)
    except ValueError:
        return dt.date(born.year + ADULT_AGE, 3, 1)


def rights_period(guardianship: dict[str, Any]) -> Period | None:
    """When a guardianship carries guardian rights (`guardianships_with_rights`, dated)."""
    periods = [(guardianship["start_date"] or FIRST, guardianship["end_date"] or LAST)]
    if guardianship["relation_type"] != RelationType.CUSTODIAN:
        if guardianship["rights_until"] is None:
            return None
        periods.append((FIRST, guardianship["rights_until"]))
    born = guardianship["pupil__person__birth_date"]
    if born is not None and not guardianship["adult_consent"]:
        periods.append((FIRST, coming_of_age(born) - dt.timedelta(days=1)))
    return meet(*periods)


# -- the rows each target should have ---------------------------------------


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _BATCH):
        yield ordered[start : start + _BATCH]


def _in(name: str, ids: list[int] | None) -> Q:
    """`name__in=ids`, or every row when `ids` is None (a full rebuild)."""
    return Q() if ids is None else Q(**{f"{name}__in": ids})


_GUARDIANSHIP_FIELDS = (
    "pk",
    "pupil_id",
    "guardian_id",
    "relation_type",
    "rights_until",
    "adult_consent",
    "start_date",
    "end_date",
    "pupil__person__birth_date",
)
_DATED = ("pk", "start_date", "end_date")


def _by(rows: Iterable[dict[str, Any]], key: str) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


def _codename(grant: Grant) -> Q:
    return Q(permission__codename=grant.value)


def holders(school_ids: list[int] | None) -> dict[int, list[Holder]]:
    """Who holds a school-wide role at each school: by grant, organiser grant or duty."""
    found: dict[int, list[Holder]] = defaultdict(list)
    codenames = [grant.value for grant in SCHOOL_ROLE_OF_GRANT]
    grants = SchoolGrant.objects.filter(
        _in("content_object_id", school_ids), permission__codename__in=codenames
    ).values_list("pk", "user_id", "content_object_id", "permission__codename")
    for pk, user, school, codename in grants:
        role = SCHOOL_ROLE_OF_GRANT[Grant(codename)]
        found[school].append(Holder(None, user, role, FIRST, LAST, f"school grant:{pk}"))
    schools = School.objects.filter(_in("pk", school_ids)).values_list("pk", "organisation_id")
    by_organisation = _by(({"pk": s, "org": o} for s, o in schools), "org")
    organisation_grants = OrganisationGrant.objects.filter(
        content_object_id__in=list(by_organisation), permission__codename__in=codenames
    ).values_list("pk", "user_id", "content_object_id", "permission__codename")
    for pk, user, organisation, codename in organisation_grants:
        role = SCHOOL_ROLE_OF_GRANT[Grant(codename)]
        for school in by_organisation[organisation]:
            source = f"organisation grant:{pk}"
            found[school["pk"]].append(Holder(None, user, role, FIRST, LAST, source))
    duties = Duty.objects.filter(_in("school_id", school_ids)).values(
        *_DATED, "person_id", "school_id", "role"
    )
    for duty in duties:
        days = period(duty)
        if days is None:
            continue
        source = f"duty:{duty['pk']}"
        found[duty["school_id"]].append(Holder(duty["person_id"], None, STAFF, *days, source))
        if duty["role"] in SCHOOL_ROLE_OF_DUTY:
            role = SCHOOL_ROLE_OF_DUTY[duty["role"]]
            found[duty["school_id"]].append(Holder(duty["person_id"], None, role, *days, source))
    return found


def _staff_of_groups(
    group_ids: list[int] | None,
) -> tuple[dict[int, list[dict[str, Any]]], dict[int, list[tuple[int, int]]]]:
    """Staff assignments and group-teacher grants (pk, user) by group."""
    assignments = StaffAssignment.objects.filter(_in("group_id", group_ids)).values(
        *_DATED, "staff_id", "group_id", "role"
    )
    grants = GroupGrant.objects.filter(
        _in("content_object_id", group_ids), _codename(Grant.GROUP_TEACHER)
    ).values_list("pk", "user_id", "content_object_id")
    by_group: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for pk, user, group in grants:
        by_group[group].append((pk, user))
    return _by(assignments, "group_id"), by_group


def pupil_rows(pupil_ids: list[int] | None) -> set[Row]:
    """Every row toward the pupils (all pupils when None)."""
    pupils = list(
        Pupil.objects.filter(_in("pk", pupil_ids)).values("pk", "person_id", "school_id")
    )
    ids = None if pupil_ids is None else [p["pk"] for p in pupils]
    memberships = list(
        GroupMembership.objects.filter(_in("pupil_id", ids)).values(
            *_DATED, "pupil_id", "group_id"
        )
    )
    group_ids = None if ids is None else sorted({m["group_id"] for m in memberships})
    staff = _staff_of_groups(group_ids)
    schools = holders(None if ids is None else sorted({p["school_id"] for p in pupils} - {None}))
    guardianships = _by(
        Guardianship.objects.filter(_in("pupil_id", ids)).values(*_GUARDIANSHIP_FIELDS), "pupil_id"
    )
    mentors = _by(
        PupilMentor.objects.filter(_in("pupil_id", ids)).values(*_DATED, "pupil_id", "staff_id"),
        "pupil_id",
    )
    shares = PupilGrant.objects.filter(
        _in("content_object_id", ids), _codename(Grant.PUPIL_SHARE)
    ).values_list("pk", "user_id", "content_object_id")
    by_pupil = _by(memberships, "pupil_id")
    rows = {
        Row(None, user, pk, None, None, "shared", FIRST, LAST, f"share:{grant}")
        for grant, user, pk in shares
    }
    for pupil in pupils:
        pk = pupil["pk"]
        rows.add(Row(pupil["person_id"], None, pk, None, None, "pupil", FIRST, LAST, "pupil"))
        rows.update(_guardians(pk, guardianships[pk]))
        rows.update(_teachers(pk, by_pupil[pk], *staff))
        rows.update(_mentors(pk, mentors[pk]))
        held = schools.get(pupil["school_id"], ()) if pupil["school_id"] else ()
        rows.update(h.toward(pupil=pk) for h in held if h.role in PUPIL_READING)
    return rows


def _guardians(pupil: int, guardianships: list[dict[str, Any]]) -> Iterator[Row]:
    for g in guardianships:
        if days := rights_period(g):
            source = f"guardianship:{g['pk']}"
            yield Row(g["guardian_id"], None, pupil, None, None, "guardian", *days, source)


def _teachers(
    pupil: int,
    memberships: list[dict[str, Any]],
    assignments: dict[int, list[dict[str, Any]]],
    group_grants: dict[int, list[tuple[int, int]]],
) -> Iterator[Row]:
    """The staff of the pupil's groups, for as long as both the pupil and they are there."""
    for m in memberships:
        if (member := period(m)) is None:
            continue
        for a in assignments[m["group_id"]]:
            if (days := period(a)) and (days := meet(member, days)):
                source = f"membership:{m['pk']}/assignment:{a['pk']}"
                yield Row(a["staff_id"], None, pupil, None, None, a["role"], *days, source)
        for grant, user in group_grants[m["group_id"]]:
            source = f"membership:{m['pk']}/group grant:{grant}"
            yield Row(None, user, pupil, None, None, "teacher", *member, source)


def _mentors(pupil: int, mentors: list[dict[str, Any]]) -> Iterator[Row]:
    for mentor in mentors:
        if days := period(mentor):
            source = f"mentor:{mentor['pk']}"
            yield Row(mentor["staff_id"], None, pupil, None, None, "mentor", *days, source)


def group_rows(group_ids: list[int] | None) -> set[Row]:
    """Every row toward the groups (all groups when None); they name the group's school."""
    groups = dict(Group.objects.filter(_in("pk", group_ids)).values_list("pk", "school_id"))
    ids = None if group_ids is None else list(groups)
    memberships = list(
        GroupMembership.objects.filter(_in("group_id", ids)).values(
            *_DATED, "pupil_id", "group_id", "pupil__person_id"
        )
    )
    pupil_ids = None if ids is None else sorted({m["pupil_id"] for m in memberships})
    guardianships = _by(
        Guardianship.objects.filter(_in("pupil_id", pupil_ids)).values(*_GUARDIANSHIP_FIELDS),
        "pupil_id",
    )
    rights = {
        pupil: [(g, days) for g in found if (days := rights_period(g))]
        for pupil, found in guardianships.items()
    }
    assignments, group_grants = _staff_of_groups(ids)
    schools = holders(None if ids is None else sorted(set(groups.values())))
    rows: set[Row] = set()
    for m in memberships:
        rows.update(_families(m, groups[m["group_id"]], rights.get(m["pupil_id"], [])))
    for group, school in groups.items():
        for a in assignments[group]:
            if days := period(a):
                source = f"assignment:{a['pk']}"
                rows.add(Row(a["staff_id"], None, None, group, school, a["role"], *days, source))
        rows.update(
            Row(None, user, None, group, school, "teacher", FIRST, LAST, f"group grant:{grant}")
            for grant, user in group_grants[group]
        )
        held = schools.get(school, ())
        rows.update(h.toward(group=group, school=school) for h in held if h.role != STAFF)
    return rows


def _families(
    membership: dict[str, Any], school: int, rights: list[tuple[dict[str, Any], Period]]
) -> Iterator[Row]:
    """The member and the member's guardians, toward the group while both hold."""
    if (member := period(membership)) is None:
        return
    group, source = membership["group_id"], f"membership:{membership['pk']}"
    yield Row(membership["pupil__person_id"], None, None, group, school, "pupil", *member, source)
    for g, days in rights:
        if both := meet(member, days):
            source = f"membership:{membership['pk']}/guardianship:{g['pk']}"
            yield Row(g["guardian_id"], None, None, group, school, "guardian", *both, source)


def school_rows(school_ids: list[int] | None) -> set[Row]:
    """Every row toward the schools themselves (all schools when None)."""
    return {
        h.toward(school=school) for school, found in holders(school_ids).items() for h in found
    }


# -- writing the difference -------------------------------------------------

# The columns of `Access` in the order of `Row`'s fields.
_COLUMNS = ("person_id", "user_id", "pupil_id", "group_id", "school_id", *Row._fields[5:])


def _stored(scope: Q) -> dict[Row, int]:
    values = Access.objects.filter(scope).values_list("pk", *_COLUMNS)
    return {Row(*row[1:]): row[0] for row in values}


@dataclass
class Difference:
    """What a refresh wrote: rows added and rows removed."""

    added: list[Row] = field(default_factory=list)
    removed: list[Row] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def __iadd__(self, other: Difference) -> Self:
        self.added += other.added
        self.removed += other.removed
        return self


def _write(desired: set[Row], stored: dict[Row, int], *, dry_run: bool = False) -> Difference:
    gone = [row for row in stored if row not in desired]
    new = sorted(desired - stored.keys(), key=repr)
    if not dry_run:
        pks = [stored[row] for row in gone]
        for start in range(0, len(pks), _BATCH):
            Access.objects.filter(pk__in=pks[start : start + _BATCH]).delete()
        rows = [Access(**dict(zip(_COLUMNS, row, strict=True))) for row in new]
        Access.objects.bulk_create(rows, batch_size=_BATCH)
    return Difference(added=new, removed=gone)


def refresh(
    *, pupils: Iterable[int] = (), groups: Iterable[int] = (), schools: Iterable[int] = ()
) -> Difference:
    """Recompute the rows toward these targets and write the difference."""
    difference = Difference()
    for chunk in _chunks(pupils):
        difference += _write(pupil_rows(chunk), _stored(Q(pupil_id__in=chunk)))
    for chunk in _chunks(groups):
        difference += _write(group_rows(chunk), _stored(Q(group_id__in=chunk)))
    for chunk in _chunks(schools):
        scope = Q(pupil__isnull=True, group__isnull=True, school_id__in=chunk)
        difference += _write(school_rows(chunk), _stored(scope))
    return difference


def rebuild(*, dry_run: bool = False) -> Difference:
    """Make every row match the relations; with `dry_run`, only say what differs."""
    desired = pupil_rows(None) | group_rows(None) | school_rows(None)
    return _write(desired, _stored(Q()), dry_run=dry_run)


# -- marking what changed ---------------------------------------------------


@dataclass
class Pending:
    """Targets whose rows a change has made stale, per database connection."""

    pupils: set[int] = field(default_factory=set)
    groups: set[int] = field(default_factory=set)
    schools: set[int] = field(default_factory=set)
    # Schools whose holders changed: the school, its groups and its pupils.
    led: set[int] = field(default_factory=set)
    # People whose birth date may have changed: their pupil and its groups.
    people: set[int] = field(default_factory=set)
    paused: int = 0

    def __bool__(self) -> bool:
        return bool(self.pupils or self.groups or self.schools or self.led or self.people)

    def clear(self) -> None:
        """Forget every mark (a rebuild has made them moot)."""
        for marked in (self.pupils, self.groups, self.schools, self.led, self.people):
            marked.clear()


def _pending() -> Pending:
    found: Pending | None = getattr(connection, "access_pending", None)
    if found is None:
        found = Pending()
        connection.access_pending = found  # type: ignore[attr-defined]
    return found


def flush() -> Difference:
    """Write the rows of every target a change has marked since the last flush.

    Costs nothing when nothing is marked, so every scope calls it first.
    """
    pending = _pending()
    if not pending or pending.paused:
        return Difference()
    pupils, groups, schools = set(pending.pupils), set(pending.groups), set(pending.schools)
    led, people = set(pending.led), set(pending.people)
    pending.clear()
    for chunk in _chunks(led):
        schools.update(chunk)
        pupils.update(Pupil.objects.filter(school_id__in=chunk).values_list("pk", flat=True))
        groups.update(Group.objects.filter(school_id__in=chunk).values_list("pk", flat=True))
    for chunk in _chunks(people):
        children = list(Pupil.objects.filter(person_id__in=chunk).values_list("pk", flat=True))
        pupils.update(children)
        memberships = GroupMembership.objects.filter(pupil_id__in=children)
        groups.update(memberships.values_list("group_id", flat=True))
    with transaction.atomic():
        return refresh(pupils=pupils, groups=groups, schools=schools)


@contextlib.contextmanager
def _paused() -> Iterator[Pending]:
    """Marks made inside are kept, not flushed, until the caller writes them."""
    pending = _pending()
    pending.paused += 1
    try:
        yield pending
    finally:
        pending.paused -= 1


@contextlib.contextmanager
def rebuilt_after() -> Iterator[None]:
    """Run a bulk writer (the importer) without per-row work, then rebuild every row.

    Bulk writes send no signals; the rebuild compares every target with the
    relations and writes the difference, in the writer's transaction.
    """
    with _paused() as pending:
        yield
    pending.clear()
    rebuild()


@contextlib.contextmanager
def batched() -> Iterator[None]:
    """Make many saves (a roster built by hand) and write the rows they touch once, at the end.

    Inside, scopes read the rows as they were; the rows are written before
    the block returns, in the caller's transaction.
    """
    with _paused():
        yield
    flush()


Targets = dict[str, list[int | None]]  # a field of `Pending` -> ids


def mark(targets: Targets, *, now: bool = True) -> None:
    """Mark targets stale and write their rows `now`, unless a bulk writer defers it."""
    pending = _pending()
    for kind, ids in targets.items():
        marked: set[int] = getattr(pending, kind)
        marked.update(pk for pk in ids if pk is not None)
    if now:
        flush()


def _members(group: int) -> list[int | None]:
    return list(GroupMembership.objects.filter(group_id=group).values_list("pupil_id", flat=True))


def _groups_of(pupil: int) -> list[int | None]:
    return list(GroupMembership.objects.filter(pupil_id=pupil).values_list("group_id", flat=True))


def _led(organisation: int) -> list[int | None]:
    return list(School.objects.filter(organisation_id=organisation).values_list("pk", flat=True))


# The targets whose rows depend on a row of each relation, grant or roster model.
TARGETS: dict[type[models.Model], Callable[[Any], Targets]] = {
    GroupMembership: lambda m: {"pupils": [m.pupil_id], "groups": [m.group_id]},
    StaffAssignment: lambda a: {"pupils": _members(a.group_id), "groups": [a.group_id]},
    GroupGrant: lambda g: {
        "pupils": _members(g.content_object_id),
        "groups": [g.content_object_id],
    },
    Guardianship: lambda g: {"pupils": [g.pupil_id], "groups": _groups_of(g.pupil_id)},
    PupilMentor: lambda m: {"pupils": [m.pupil_id]},
    PupilGrant: lambda g: {"pupils": [g.content_object_id]},
    Duty: lambda d: {"led": [d.school_id]},
    SchoolGrant: lambda g: {"led": [g.content_object_id]},
    OrganisationGrant: lambda g: {"led": _led(g.content_object_id)},
    School: lambda school: {"led": [school.pk]},
    Pupil: lambda pupil: {"pupils": [pupil.pk]},
    Group: lambda group: {"groups": [group.pk]},
    Person: lambda person: {"people": [person.pk]},
}


def _targets(instance: models.Model) -> Targets:
    return TARGETS[type(instance)](instance)


# Relations and grants whose rows can move to another pupil, group or school.
MOVABLE: tuple[type[models.Model], ...] = (
    GroupMembership,
    StaffAssignment,
    GroupGrant,
    Guardianship,
    PupilMentor,
    PupilGrant,
    Duty,
    SchoolGrant,
    OrganisationGrant,
)
# The rest are rows the access depends on in place: a school's organiser, a
# pupil's school, a group's school, a pupil's birth date.
WATCHED = tuple(TARGETS)


def _before_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """A relation about to change: the targets it gave to lose what it gave."""
    if instance._state.adding or instance.pk is None or kwargs.get("raw"):
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    if old is not None:
        mark(_targets(old), now=False)  # written with the new targets, after the save


def _after_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:  # noqa: ARG001 -- the signal's arguments
    if kwargs.get("raw"):
        return
    if isinstance(instance, Person):
        # A new person is nobody's pupil yet; a saved one may have a new birth date.
        fields = kwargs.get("update_fields")
        if kwargs.get("created") or (fields is not None and "birth_date" not in fields):
            return
    mark(_targets(instance))


def _after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:  # noqa: ARG001 -- the signal's arguments
    mark(_targets(instance))


def connect() -> None:
    """Watch every relation and grant (called once, from the app config)."""
    for model in WATCHED:
        uid = f"access:{model.__name__}"
        if model in MOVABLE:
            pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}:pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}:post")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}:delete")
