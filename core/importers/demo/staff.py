"""Principals, administrators, teachers and mentors, and who teaches what."""

from __future__ import annotations

import datetime as dt
import itertools

from core.importers.demo.base import (
    _MAN,
    _WOMAN,
    MIN_TEACHERS,
    PUPILS_PER_TEACHER,
    STAFF_DOMAIN,
    _Context,
    _Group,
    _Lesson,
    _Staff,
    _Staffing,
    _Subject,
    _Unit,
    _Units,
)
from core.importers.demo.names import (
    _FAMILY_NAMES,
    _GIVEN_NAMES,
    _age,
    _person,
    _random_date,
    _shift_years,
)

# -- staff and teaching -------------------------------------------------------


def _staff_member(ctx: _Context, unit: _Unit, role: str) -> _Staff:
    sex = ctx.rng.choice((_WOMAN, _MAN))
    given, family = ctx.rng.choice(_GIVEN_NAMES[sex]), ctx.rng.choice(_FAMILY_NAMES)
    born = _random_date(ctx.rng, _shift_years(ctx.today, -64), _shift_years(ctx.today, -25))
    person = _person(ctx, given, family, sex=sex, born=born, domain=STAFF_DOMAIN)
    person.emails = [{"value": str(person.eppn), "type": "Skola personal"}]
    age = _age(person.born, ctx.today)
    start = dt.date(ctx.year - ctx.rng.randint(0, min(12, age - 24)), 8, 1)
    return _Staff(person, ctx.new_id(), role, unit, start)


def _staffing(ctx: _Context, units: _Units, groups: list[_Group]) -> _Staffing:
    schools = (units.primary, units.secondary)
    staffing = _Staffing(
        principals={
            unit: _staff_member(ctx, unit, "Rektor")
            for unit in (units.preschool, units.primary, units.secondary)
        },
        admins={unit: _staff_member(ctx, unit, "Skoladministratör") for unit in schools},
        teachers={},
        preschool=[],
        mentors={},
    )
    for unit in schools:
        classes = [group for group in groups if group.unit == unit]
        staffing.teachers[unit] = _teachers(ctx, unit, classes, staffing.mentors)
    departments = [group for group in groups if group.unit == units.preschool]
    staffing.preschool = _preschool_staff(ctx, units.preschool, departments)
    return staffing


def _teachers(
    ctx: _Context, unit: _Unit, classes: list[_Group], mentors: dict[_Group, _Staff]
) -> list[_Staff]:
    """About one teacher per twelve pupils; each class gets one of them as mentor."""
    pupils = sum(len(group.pupils) for group in classes)
    count = max(MIN_TEACHERS, round(pupils / PUPILS_PER_TEACHER))
    teachers = [_staff_member(ctx, unit, "Lärare") for _ in range(count)]
    for k, group in enumerate(classes):
        mentor = teachers[k % count]
        mentor.assignments.append((group, "Mentor"))
        mentors[group] = mentor
    return teachers


def _preschool_staff(ctx: _Context, unit: _Unit, departments: list[_Group]) -> list[_Staff]:
    staff = []
    for department in departments:
        for role in ("Förskollärare", "Barnskötare"):
            member = _staff_member(ctx, unit, role)
            member.assignments.append((department, role))
            staff.append(member)
    return staff


def _lessons(
    classes: list[_Group],
    teachers: list[_Staff],
    subjects: list[_Subject],
    mentors: dict[_Group, _Staff],
) -> list[_Lesson]:
    """Who teaches each subject in each class of one school.

    The mentor takes the first subject, as a class teacher would. The other
    subjects go round the school's teachers, so each teaches several subjects
    in several classes; the class's mentor is skipped there, so every class
    also meets at least one teacher who is not its mentor.
    """
    lessons = []
    turn = itertools.count()
    for group in classes:
        lessons.append(_Lesson(group, subjects[0], mentors[group]))
        for subject in subjects[1:]:
            teacher = teachers[next(turn) % len(teachers)]
            if teacher is mentors[group]:
                teacher = teachers[next(turn) % len(teachers)]
            lessons.append(_Lesson(group, subject, teacher))
    return lessons


def _all_lessons(
    units: _Units, groups: list[_Group], staffing: _Staffing, subjects: list[_Subject]
) -> list[_Lesson]:
    lessons = []
    for unit in (units.primary, units.secondary):
        classes = [group for group in groups if group.unit == unit]
        lessons += _lessons(classes, staffing.teachers[unit], subjects, staffing.mentors)
    return lessons
