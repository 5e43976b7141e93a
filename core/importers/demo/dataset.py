"""The public entry points: build the dataset, name its logins, write it to disk."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from core.importers.demo.base import (
    _PRESCHOOL,
    MIN_PUPILS,
    _Choices,
    _Context,
    _Group,
    _Lesson,
    _Person,
    _Pupil,
    _Staff,
    _World,
)
from core.importers.demo.families import _choose_families, _households, _protect
from core.importers.demo.names import _school_year_start
from core.importers.demo.organisations import _organisations, _plan, _subjects
from core.importers.demo.records import _collections
from core.importers.demo.staff import _all_lessons, _staffing

if TYPE_CHECKING:
    import pathlib


@dataclass(frozen=True)
class DemoLogin:
    """A person to sign in as to show one role of the service.

    `username` is the person's first eduPersonPrincipalName; `description`
    says in one line who they are, e.g. "mentor of 4A, Björkskolan".
    """

    role: str
    username: str
    name: str
    description: str


@dataclass(frozen=True)
class DemoDataset:
    """SS 12000 collections and the people to sign in as.

    `collections` maps organisations, syllabuses, persons, groups, duties,
    activities and placements (in that order) to records as an SS 12000
    server sends them. `logins` has one entry per role, in this order:
    pupil, guardian, teacher, mentor, principal, school_admin,
    preschool_teacher, guardian_preschool.
    """

    collections: dict[str, list[dict[str, Any]]]
    logins: list[DemoLogin]


# -- logins -------------------------------------------------------------------


def _login(role: str, person: _Person, description: str) -> DemoLogin:
    return DemoLogin(role, str(person.eppn), person.name, description)


def _logins(world: _World, choices: _Choices) -> list[DemoLogin]:
    units, staffing = world.units, world.staffing
    pupil = world.households[choices.login][choices.login_member]
    group = pupil.group
    where = f"{group.name}, {units.primary.name}"
    mentor = staffing.mentors[group]
    teacher, subjects = _other_teacher(world.lessons, group, mentor)
    child = next(p for p in world.households[choices.preschool] if p.age == _PRESCHOOL)
    department = child.group
    preschool_teacher = next(
        staff for staff in staffing.preschool if (department, "Förskollärare") in staff.assignments
    )
    return [
        _login("pupil", pupil.person, f"pupil in {where}"),
        _login("guardian", pupil.custodians[0], _guardian_of(world.households[choices.login])),
        _login("teacher", teacher.person, f"teacher of {', '.join(subjects)} in {where}"),
        _login("mentor", mentor.person, f"mentor of {where}"),
        _login(
            "principal",
            staffing.principals[units.primary].person,
            f"principal (Rektor) of {units.primary.name}",
        ),
        _login(
            "school_admin",
            staffing.admins[units.primary].person,
            f"school administrator at {units.primary.name}",
        ),
        _login(
            "preschool_teacher",
            preschool_teacher.person,
            f"preschool teacher in {department.name}, {units.preschool.name}",
        ),
        _login(
            "guardian_preschool",
            child.custodians[0],
            f"guardian of {child.person.name} ({department.name}, {units.preschool.name})",
        ),
    ]


def _other_teacher(
    lessons: list[_Lesson], group: _Group, mentor: _Staff
) -> tuple[_Staff, list[str]]:
    """Find a teacher of the class who is not its mentor, with the subjects they teach there."""
    taught = [lesson for lesson in lessons if lesson.group is group]
    teacher = next(lesson.teacher for lesson in taught if lesson.teacher is not mentor)
    return teacher, [lesson.subject.name for lesson in taught if lesson.teacher is teacher]


def _guardian_of(household: list[_Pupil]) -> str:
    children = [f"{p.person.name} ({p.group.name}, {p.group.unit.name})" for p in household]
    return f"guardian of {' and '.join(children)}"


# -- public -------------------------------------------------------------------


def build_dataset(*, pupils: int, seed: int = 2026, today: dt.date | None = None) -> DemoDataset:
    """Generate the Exempelby dataset with `pupils` children (15% of them in preschool).

    `today` (default: the current date) sets the school year, birth years
    and record dates. Raises ValueError for fewer than MIN_PUPILS pupils,
    the least that fills every school year 0-9 and every preschool department.
    """
    if pupils < MIN_PUPILS:
        msg = f"pupils must be at least {MIN_PUPILS} to fill every school year, got {pupils}"
        raise ValueError(msg)
    today = today or dt.date.today()
    # Reproducible synthetic data, not secrets: a seeded PRNG is what is wanted.
    ctx = _Context(random.Random(seed), today, _school_year_start(today))  # noqa: S311
    units, organisations = _organisations(ctx)
    subjects = _subjects(ctx)
    plan, groups = _plan(ctx, units, pupils)
    choices = _choose_families(plan)
    households = _households(ctx, plan, choices)
    login_group = households[choices.login][choices.login_member].group
    _protect(households[choices.protected], login_group)
    staffing = _staffing(ctx, units, groups)
    lessons = _all_lessons(units, groups, staffing, subjects)
    world = _World(units, subjects, groups, households, staffing, lessons)
    return DemoDataset(_collections(ctx, world, organisations), _logins(world, choices))


def write_dataset(dataset: DemoDataset, out_dir: pathlib.Path) -> list[pathlib.Path]:
    """Write one <collection>.json per collection as {"data": [...]}; return the paths.

    Files are UTF-8 with the Swedish letters as they are (ensure_ascii=False).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, records in dataset.collections.items():
        path = out_dir / f"{name}.json"
        text = json.dumps({"data": records}, ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths
