"""The world as SS 12000 records, collection by collection."""

from __future__ import annotations

import datetime as dt

from core.importers.demo.base import (
    _CUSTODIAN,
    _PRESCHOOL,
    _TERM_START,
    LAST_PRIMARY_YEAR,
    Record,
    _Context,
    _Group,
    _Lesson,
    _Person,
    _Pupil,
    _Staff,
    _Subject,
    _World,
)
from core.importers.demo.names import _shift_years

# -- records ------------------------------------------------------------------


def _person_record(ctx: _Context, person: _Person) -> Record:
    record: Record = {
        "id": person.id,
        "meta": ctx.meta(),
        "givenName": person.given,
        "familyName": person.family,
        "sex": person.sex,
        "birthDate": person.born.isoformat(),
        "civicNo": {"value": person.civic_no, "nationality": "SE"},
        "securityMarking": person.ref()["securityMarking"],
    }
    optional = {
        "eduPersonPrincipalNames": [person.eppn] if person.eppn else [],
        "emails": [dict(email) for email in person.emails],
        "phoneNumbers": [dict(phone) for phone in person.phones],
        "addresses": [dict(person.address)] if person.address else [],
    }
    record.update({key: value for key, value in optional.items() if value})
    return record


def _pupil_record(ctx: _Context, pupil: _Pupil) -> Record:
    record = _person_record(ctx, pupil.person)
    if pupil.age != _PRESCHOOL:
        record["enrolments"] = [_enrolment(ctx, pupil)]
    custodians = [(person, _CUSTODIAN) for person in pupil.custodians]
    record["responsibles"] = [
        {"person": person.ref(), "relationType": relation}
        for person, relation in [*custodians, *pupil.others]
    ]
    return record


def _enrolment(ctx: _Context, pupil: _Pupil) -> Record:
    # Enroled since entering this school form at this unit: förskoleklass,
    # year 1 at Björkskolan or year 7 at Ekskolan.
    first_year = 0 if pupil.age == 0 else (1 if pupil.age <= LAST_PRIMARY_YEAR else 7)
    start = dt.date(ctx.year - (pupil.age - first_year), *_TERM_START)
    return {
        "enroledAt": pupil.group.unit.ref(),
        "schoolType": pupil.group.school_type,
        "schoolYear": pupil.age,
        "startDate": start.isoformat(),
    }


def _persons(ctx: _Context, world: _World) -> list[Record]:
    pupils = [pupil for household in world.households for pupil in household]
    adults: dict[str, _Person] = {}
    for pupil in pupils:
        for adult in [*pupil.custodians, *(person for person, _ in pupil.others)]:
            adults.setdefault(adult.id, adult)
    staff = [member.person for member in world.staffing.everyone()]
    return [
        *(_pupil_record(ctx, pupil) for pupil in pupils),
        *(_person_record(ctx, person) for person in [*adults.values(), *staff]),
    ]


def _group_record(ctx: _Context, group: _Group) -> Record:
    record: Record = {
        "id": group.id,
        "meta": ctx.meta(),
        "displayName": group.name,
        "groupType": group.group_type,
        "schoolType": group.school_type,
        "organisation": group.unit.ref(),
        "startDate": group.start,
    }
    # Preschool children belong to their department through their placement.
    if group.group_type == "Klass":
        record["groupMemberships"] = [
            {"person": pupil.person.ref(), "startDate": group.start} for pupil in group.pupils
        ]
    return record


def _duty_record(ctx: _Context, staff: _Staff) -> Record:
    record: Record = {
        "id": staff.duty_id,
        "meta": ctx.meta(),
        "person": staff.person.ref(),
        "dutyAt": staff.unit.ref(),
        "dutyRole": staff.role,
        "startDate": staff.start.isoformat(),
    }
    if staff.assignments:
        record["assignmentRole"] = [
            {"group": group.ref(), "assignmentRoleType": kind, "startDate": ctx.term_start}
            for group, kind in staff.assignments
        ]
    return record


def _activity_record(ctx: _Context, lesson: _Lesson) -> Record:
    return {
        "id": ctx.new_id(),
        "meta": ctx.meta(),
        "displayName": f"{lesson.subject.name} {lesson.group.name}",
        "activityType": "Undervisning",
        "organisation": lesson.group.unit.ref(),
        "groups": [lesson.group.ref()],
        "teachers": [{"duty": lesson.teacher.ref(), "startDate": ctx.term_start}],
        "syllabus": {"id": lesson.subject.id, "displayName": lesson.subject.name},
        "startDate": ctx.term_start,
        "calendarEventsRequired": False,
    }


def _placement_record(ctx: _Context, pupil: _Pupil) -> Record:
    # Children start preschool when they turn one.
    start = _shift_years(pupil.person.born, 1)
    return {
        "id": ctx.new_id(),
        "meta": ctx.meta(),
        "placedAt": pupil.group.unit.ref(),
        "group": pupil.group.ref(),
        "child": pupil.person.ref(),
        "owners": [custodian.ref() for custodian in pupil.custodians],
        "schoolType": "FS",
        "startDate": start.isoformat(),
    }


def _syllabus_record(ctx: _Context, subject: _Subject) -> Record:
    return {
        "id": subject.id,
        "meta": ctx.meta(),
        "subjectCode": subject.code,
        "subjectName": subject.name,
        "schoolType": "GR",
    }


def _collections(
    ctx: _Context, world: _World, organisations: list[Record]
) -> dict[str, list[Record]]:
    pupils = [pupil for household in world.households for pupil in household]
    return {
        "organisations": organisations,
        "syllabuses": [_syllabus_record(ctx, subject) for subject in world.subjects],
        "persons": _persons(ctx, world),
        "groups": [_group_record(ctx, group) for group in world.groups],
        "duties": [_duty_record(ctx, staff) for staff in world.staffing.everyone()],
        "activities": [_activity_record(ctx, lesson) for lesson in world.lessons],
        "placements": [
            _placement_record(ctx, pupil) for pupil in pupils if pupil.age == _PRESCHOOL
        ],
    }
