"""The huvudman and its school units, subjects, classes and departments."""

from __future__ import annotations

import datetime as dt
import math
import random

from core.importers.demo.base import (
    _PRESCHOOL,
    _TERM_START,
    CLASS_SIZE,
    DEPARTMENT_SIZE,
    LAST_PRIMARY_YEAR,
    MIN_DEPARTMENTS,
    MUNICIPALITY,
    MUNICIPALITY_CODE,
    ORGANISATION_NUMBER,
    PRESCHOOL_SHARE,
    SCHOOL_YEARS,
    SIBLING_SHARE,
    Record,
    _Context,
    _Group,
    _Plan,
    _Subject,
    _Unit,
    _Units,
)
from core.importers.demo.names import _letters

_SCHOOL_UNITS = (
    ("Solrosens förskola", "99990001", ("FS",)),
    ("Björkskolan", "99990002", ("FKLASS", "GR", "FTH")),
    ("Ekskolan", "99990003", ("GR",)),
)
# Skolverket's grundskola subject codes; the first is taught by the mentor.
_SUBJECTS = (
    ("SV", "Svenska"),
    ("MA", "Matematik"),
    ("EN", "Engelska"),
    ("BI", "Biologi"),
    ("HI", "Historia"),
    ("IDH", "Idrott och hälsa"),
    ("BL", "Bild"),
    ("MU", "Musik"),
)
_DEPARTMENTS = (
    "Humlan",
    "Myran",
    "Nyckelpigan",
    "Fjärilen",
    "Trollsländan",
    "Gräshoppan",
    "Snigeln",
    "Ekorren",
    "Igelkotten",
    "Räven",
    "Ugglan",
    "Haren",
)

# -- organisations, subjects and groups ---------------------------------------


def _organisations(ctx: _Context) -> tuple[_Units, list[Record]]:
    owner = _Unit(ctx.new_id(), f"{MUNICIPALITY} kommun")
    records: list[Record] = [
        {
            "id": owner.id,
            "meta": ctx.meta(),
            "displayName": owner.name,
            "organisationType": "Huvudman",
            "organisationNumber": ORGANISATION_NUMBER,
            "municipalityCode": MUNICIPALITY_CODE,
        }
    ]
    units = []
    for name, code, school_types in _SCHOOL_UNITS:
        unit = _Unit(ctx.new_id(), name)
        units.append(unit)
        records.append(_school_unit_record(ctx, unit, owner, code, school_types))
    return _Units(owner, *units), records


def _school_unit_record(
    ctx: _Context, unit: _Unit, owner: _Unit, code: str, school_types: tuple[str, ...]
) -> Record:
    return {
        "id": unit.id,
        "meta": ctx.meta(),
        "displayName": unit.name,
        "organisationType": "Skolenhet",
        "parentOrganisation": owner.ref(),
        "schoolUnitCode": code,
        "schoolTypes": list(school_types),
        "municipalityCode": MUNICIPALITY_CODE,
    }


def _subjects(ctx: _Context) -> list[_Subject]:
    return [_Subject(ctx.new_id(), code, name) for code, name in _SUBJECTS]


def _groups_for_age(ctx: _Context, units: _Units, age: int, pupils: int) -> list[_Group]:
    """Enough classes (or departments) for `pupils` of one age group."""
    if age == _PRESCHOOL:
        count = max(MIN_DEPARTMENTS, math.ceil(pupils / DEPARTMENT_SIZE))
        # Departments used to start before any of today's children were born.
        start = dt.date(ctx.year - 6, *_TERM_START).isoformat()
        return [
            _Group(ctx.new_id(), _department_name(k), units.preschool, "FS", "Avdelning", start)
            for k in range(count)
        ]
    unit = units.primary if age <= LAST_PRIMARY_YEAR else units.secondary
    school_type = "FKLASS" if age == 0 else "GR"
    prefix = "F" if age == 0 else str(age)
    return [
        _Group(ctx.new_id(), f"{prefix}{_letters(k)}", unit, school_type, "Klass", ctx.term_start)
        for k in range(math.ceil(pupils / CLASS_SIZE))
    ]


def _department_name(index: int) -> str:
    round_, position = divmod(index, len(_DEPARTMENTS))
    suffix = f" {round_ + 1}" if round_ else ""
    return f"Avdelning {_DEPARTMENTS[position]}{suffix}"


def _plan(ctx: _Context, units: _Units, pupils: int) -> tuple[_Plan, list[_Group]]:
    """Age groups round-robin so every school year is filled; groups round-robin within."""
    preschool = round(pupils * PRESCHOOL_SHARE)
    ages = [_PRESCHOOL] * preschool + [k % len(SCHOOL_YEARS) for k in range(pupils - preschool)]
    placed: dict[int, _Group] = {}
    groups: list[_Group] = []
    for age in [_PRESCHOOL, *SCHOOL_YEARS]:
        slots = [index for index, slot_age in enumerate(ages) if slot_age == age]
        age_groups = _groups_for_age(ctx, units, age, len(slots))
        groups.extend(age_groups)
        placed.update({slot: age_groups[k % len(age_groups)] for k, slot in enumerate(slots)})
    plan = _Plan(ages, [placed[slot] for slot in range(pupils)], _families(ctx.rng, ages))
    return plan, groups


def _families(rng: random.Random, ages: list[int]) -> list[list[int]]:
    """Slots grouped into families; siblings pair the younger and the older half by age."""
    order = list(range(len(ages)))
    rng.shuffle(order)
    pairs = round(len(ages) * SIBLING_SHARE / 2)
    siblings = sorted(order[: 2 * pairs], key=lambda slot: (ages[slot], slot))
    families = [[siblings[k], siblings[k + pairs]] for k in range(pairs)]
    families += [[slot] for slot in order[2 * pairs :]]
    return sorted(families)
