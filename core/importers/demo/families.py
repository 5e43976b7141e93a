"""Pupils, their custodians and other responsibles, and who plays which part."""

from __future__ import annotations

import datetime as dt

from core.importers.demo.base import (
    _LOGIN_YEAR,
    _MAN,
    _OTHER_RELATIONS,
    _PRESCHOOL,
    _UNSUITABLE,
    _WOMAN,
    EMAIL_FROM_YEAR,
    LAST_PRIMARY_YEAR,
    OTHER_RESPONSIBLE_SHARE,
    PUPIL_DOMAIN,
    SAME_FAMILY_NAME_SHARE,
    TWO_CUSTODIAN_SHARE,
    _Choices,
    _Context,
    _Group,
    _Person,
    _Plan,
    _Pupil,
)
from core.importers.demo.names import (
    _FAMILY_NAMES,
    _address,
    _adult,
    _birth_date,
    _given_name,
    _parent_birth_date,
    _person,
)

# -- who plays which part -----------------------------------------------------


def _choose_families(plan: _Plan) -> _Choices:
    """Pick the families of the login pupil, the login preschool child and the protected pupil.

    The login pupil is at Björkskolan, preferably with a sibling there (so the
    login guardian has two children) and old enough for a school e-mail; the
    protected pupil is preferably a classmate, so the demo shows a protected
    pupil in the login pupil's class list.
    """
    families = plan.families
    login = min(range(len(families)), key=lambda family: _login_rank(plan, family))
    member = min(
        range(len(families[login])), key=lambda k: _login_distance(plan.ages[families[login][k]])
    )
    preschool = next(
        f
        for f, members in enumerate(families)
        if f != login and any(plan.ages[s] == _PRESCHOOL for s in members)
    )
    login_group = plan.groups[families[login][member]]
    others = [f for f in range(len(families)) if f not in {login, preschool}]
    protected = min(others, key=lambda family: _protected_rank(plan, family, login_group))
    return _Choices(login, member, preschool, protected)


def _login_distance(age: int) -> int:
    """Rank a pupil for the login: Björkskolan only, the nearer _LOGIN_YEAR the better."""
    return abs(age - _LOGIN_YEAR) if 0 <= age <= LAST_PRIMARY_YEAR else _UNSUITABLE


def _login_rank(plan: _Plan, family: int) -> tuple[int, int, int]:
    distances = [_login_distance(plan.ages[slot]) for slot in plan.families[family]]
    at_primary = sum(distance < _UNSUITABLE for distance in distances)
    return (-at_primary, min(distances), family)


def _protected_rank(plan: _Plan, family: int, login_group: _Group) -> tuple[bool, bool, int, int]:
    members = plan.families[family]
    school = [slot for slot in members if plan.ages[slot] != _PRESCHOOL]
    classmate = any(plan.groups[slot] is login_group for slot in school)
    return (not school, not classmate, len(members), family)


# -- pupils and their families ------------------------------------------------


def _households(ctx: _Context, plan: _Plan, choices: _Choices) -> list[list[_Pupil]]:
    """Every family's children with their custodians, and a few other responsibles."""
    # The login pupil needs two custodians; the protected pupil lives with one,
    # who shares the protected identity (so no address in the data leads to it).
    forced = {choices.login: 2, choices.protected: 1}
    households = []
    for index, members in enumerate(plan.families):
        custodians = forced.get(index) or (2 if ctx.rng.random() < TWO_CUSTODIAN_SHARE else 1)
        households.append(_household(ctx, plan, members, custodians))
    pupils = [pupil for household in households for pupil in household]
    _add_other_responsibles(ctx, pupils)
    return households


def _household(ctx: _Context, plan: _Plan, members: list[int], custodians: int) -> list[_Pupil]:
    family = ctx.rng.choice(_FAMILY_NAMES)
    births: list[dt.date] = []
    for k, slot in enumerate(members):
        twins = k > 0 and plan.ages[members[k - 1]] == plan.ages[slot]
        births.append(births[-1] if twins else _birth_date(ctx, plan.ages[slot]))
    adults: list[_Person] = []  # filled below, once the children's names are taken
    taken: set[str] = set()
    pupils = [
        _pupil(
            ctx,
            family,
            born,
            age=plan.ages[slot],
            group=plan.groups[slot],
            custodians=adults,
            taken=taken,
        )
        for slot, born in zip(members, births, strict=True)
    ]
    adults.extend(_custodians(ctx, family, births, custodians, taken))
    return pupils


def _custodians(
    ctx: _Context, family: str, births: list[dt.date], count: int, taken: set[str]
) -> list[_Person]:
    """One or two custodians sharing a home; the second often keeps another surname."""
    first = ctx.rng.choice((_WOMAN, _MAN))
    sexes = [first, _MAN if first == _WOMAN else _WOMAN][:count]
    address = _address(ctx)
    adults = []
    for k, sex in enumerate(sexes):
        keeps_name = k == 0 or ctx.rng.random() < SAME_FAMILY_NAME_SHARE
        surname = family if keeps_name else ctx.rng.choice(_FAMILY_NAMES)
        born = _parent_birth_date(ctx, births)
        given = _given_name(ctx, sex, taken)
        adults.append(_adult(ctx, given, surname, sex=sex, born=born, address=address))
    return adults


def _pupil(
    ctx: _Context,
    family: str,
    born: dt.date,
    *,
    age: int,
    group: _Group,
    custodians: list[_Person],
    taken: set[str],
) -> _Pupil:
    sex = ctx.rng.choice((_WOMAN, _MAN))
    given = _given_name(ctx, sex, taken)
    # Preschool children sign in through their guardians, so they have no EPPN.
    domain = None if age == _PRESCHOOL else PUPIL_DOMAIN
    person = _person(ctx, given, family, sex=sex, born=born, domain=domain)
    if age >= EMAIL_FROM_YEAR:
        person.emails = [{"value": str(person.eppn), "type": "Skola elev"}]
    pupil = _Pupil(person, age, group, custodians)
    group.pupils.append(pupil)
    return pupil


def _add_other_responsibles(ctx: _Context, pupils: list[_Pupil]) -> None:
    count = max(1, round(len(pupils) * OTHER_RESPONSIBLE_SHARE))
    for pupil in ctx.rng.sample(pupils, count):
        sex = ctx.rng.choice((_WOMAN, _MAN))
        born = _parent_birth_date(ctx, [pupil.person.born])
        given, family = _given_name(ctx, sex, set()), ctx.rng.choice(_FAMILY_NAMES)
        adult = _adult(ctx, given, family, sex=sex, born=born, address=_address(ctx))
        pupil.others.append((adult, ctx.rng.choice(_OTHER_RELATIONS)))


def _protect(household: list[_Pupil], classmates: _Group) -> None:
    """Mark one school pupil of the household and its custodian as protected."""
    school = [pupil for pupil in household if pupil.age != _PRESCHOOL]
    pupil = next((p for p in school if p.group is classmates), school[0])
    for person in (pupil.person, pupil.custodians[0]):
        person.protected = True
        person.address = None
