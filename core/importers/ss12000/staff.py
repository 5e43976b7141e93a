"""Duties and the assignments that tie staff to groups."""

from __future__ import annotations

import uuid
from typing import Any

from core.importers import records as rec
from core.importers.records import RecordError
from core.importers.report import RELATION
from core.importers.ss12000.base import ImportRun, _ids
from core.importers.sync import Rows
from core.models import (
    Duty,
    DutyRole,
    Person,
    StaffAssignment,
    StaffRole,
    Subject,
)

# SS 12000 assignmentRoleType -> role toward the group. Student health,
# schedulers and administrators get access by grant, not by assignment.
ASSIGNMENT_ROLES = {
    "Mentor": StaffRole.MENTOR,
    "Förskollärare": StaffRole.TEACHER,
    "Barnskötare": StaffRole.TEACHER,
    "Fritidspedagog": StaffRole.TEACHER,
    "Specialpedagog": StaffRole.TEACHER,
    "Lärarassistent": StaffRole.TEACHER,
    "Pedagogisk ledare": StaffRole.TEACHER,
}
IGNORED_ASSIGNMENT_ROLES = frozenset(
    {"Elevhälsopersonal", "Schemaläggare", "Administrativ personal"}
)


def duty_at(duty: uuid.UUID, unit: uuid.UUID | None) -> uuid.UUID:
    """The id of a duty's row at one more school unit of its school (`duty_rows`)."""
    return uuid.uuid5(duty, str(unit))


class StaffSteps(ImportRun):
    """Duties and the assignments that tie staff to groups."""

    def duties(self) -> None:
        """Duties (employment at a school unit) and their assignment roles."""
        if "duties" not in self.data:
            return
        person_ids = _ids(Person)
        rows: Rows = {}
        accepted: list[tuple[uuid.UUID, dict[str, Any]]] = []
        for ext, record in self.valid("duties"):
            try:
                rows.update(self.duty_rows(ext, record, person_ids))
            except RecordError as error:
                self.report.reject("duties", ext, str(error))
                continue
            accepted.append((ext, record))
        self.sync_entity("duties", Duty, rows, dated_by=("duties",))
        staff = {ext: rows[ext]["person_id"] for ext, _ in accepted}
        self.sync_relation(
            "assignments",
            StaffAssignment,
            self.assignment_rows(accepted, staff),
            "ar:",
            "duties",
            holders={str(ext) for ext, record in accepted if "assignmentRole" in record},
        )

    def duty_rows(
        self, ext: uuid.UUID, record: dict[str, Any], person_ids: dict[uuid.UUID, int]
    ) -> Rows:
        """The Duty rows of one record: one per school unit it is at.

        `dutyAt` is a school unit (Skolenhet) or a school (Skola) above
        units, as SS 12000 v2.1.0 allows; a duty at a school is a duty at
        each of its units. The first unit's row keeps the duty's id, the
        others get ids derived from it.
        """
        person = person_ids.get(rec.ref(record, "person") or uuid.UUID(int=0))
        if person is None:
            msg = "person is not among the persons"
            raise RecordError(msg)
        if record["dutyRole"] not in DutyRole.values:
            msg = f"dutyRole {record['dutyRole']!r} is unknown"
            raise RecordError(msg)
        at = rec.ref(record, "dutyAt") or uuid.UUID(int=0)
        units = [at] if at in self.school_ids else self.units_of.get(at, [])
        if not units:
            # A school (Skola) this run does not describe, in a delta: where it was.
            units = self.stored_units(ext)
        if not units:
            msg = "dutyAt is not a known school unit or school"
            raise RecordError(msg)
        row = {"person_id": person, "role": record["dutyRole"], **rec.period(record)}
        return {
            ext if n == 0 else duty_at(ext, unit): {
                **row,
                "school_id": self.school_ids[unit],
            }
            for n, unit in enumerate(units)
        }

    def stored_units(self, duty: uuid.UUID) -> list[uuid.UUID]:
        """The school units a stored duty is at, its own id's unit first (`duty_rows`)."""
        derived = {duty_at(duty, unit): unit for unit in self.school_ids}
        found = dict(
            Duty.objects.filter(external_id__in=[duty, *derived]).values_list(
                "external_id", "school__external_id"
            )
        )
        units = [found[duty]] if duty in found else []
        units += [derived[ext] for ext in found if ext in derived]
        return [unit for unit in units if unit in self.school_ids]

    def assignment_rows(
        self, accepted: list[tuple[uuid.UUID, dict[str, Any]]], staff: dict[uuid.UUID, int]
    ) -> Rows:
        """Staff assignments from the duties' `assignmentRole` lists."""
        rows: Rows = {}
        for ext, record in accepted:
            roles = record.get("assignmentRole") or []
            if not isinstance(roles, list):
                roles = [roles]
            for assignment in roles:
                try:
                    key, row = self.assignment_row(ext, assignment)
                except RecordError as error:
                    self.report.reject("duties", ext, f"assignmentRole: {error}", RELATION)
                    continue
                if key:
                    rows[key] = {"staff_id": staff[ext], **row}
        return rows

    def assignment_row(
        self, duty: uuid.UUID, assignment: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """Key and fields of one assignment role; an empty key for ignored roles."""
        if not isinstance(assignment, dict):
            msg = f"{assignment!r} names no group (expected {{group, assignmentRoleType}})"
            raise RecordError(msg)
        kind = assignment.get("assignmentRoleType")
        if kind in IGNORED_ASSIGNMENT_ROLES:
            return "", {}
        if kind not in ASSIGNMENT_ROLES:
            msg = f"assignmentRoleType {kind!r} is unknown"
            raise RecordError(msg)
        group, dates = rec.ref(assignment, "group"), rec.period(assignment)
        if group not in self.group_ids:
            msg = f"group {group} is not a known group"
            raise RecordError(msg)
        key = f"ar:{duty}:{group}:{kind}:{dates['start_date'] or ''}"
        return key, {
            "group_id": self.group_ids[group],
            "role": ASSIGNMENT_ROLES[kind],
            "subject_id": None,
            **dates,
        }

    def activities(self) -> None:
        """Teacher assignments, with subject, from teaching activities."""
        if "activities" not in self.data:
            return
        staff_of = dict(
            Duty.objects.filter(external_id__isnull=False).values_list("external_id", "person_id")
        )
        subject_ids = _ids(Subject)
        rows: Rows = {}
        holders: set[str] = set()
        for ext, record in self.valid("activities"):
            if "teachers" in record:
                holders.add(str(ext))
            try:
                subject = subject_ids.get(rec.ref(record, "syllabus") or uuid.UUID(int=0))
                rows.update(self.teaching_rows(ext, record, staff_of, subject))
            except RecordError as error:
                self.report.reject("activities", ext, str(error))
                continue
        self.sync_relation(
            "assignments", StaffAssignment, rows, "ac:", "activities", holders=holders
        )

    def teaching_rows(
        self,
        ext: uuid.UUID,
        record: dict[str, Any],
        staff_of: dict[uuid.UUID, int],
        subject: int | None,
    ) -> Rows:
        """A teacher assignment per (teacher, group) of one activity.

        A group or teacher that cannot be placed drops that relation only.
        """
        groups = []
        for item in record["groups"]:
            group = rec.uid(item.get("id")) if isinstance(item, dict) else None
            if group in self.group_ids:
                groups.append(group)
            else:
                self.report.reject(
                    "activities", ext, f"group {group} is not a known group", RELATION
                )
        rows: Rows = {}
        for teacher in record.get("teachers") or []:
            try:
                duty = rec.known(rec.ref(rec.obj(teacher), "duty"), staff_of, "teacher duty")
                dates = _within(rec.period(teacher), rec.period(record))
            except RecordError as error:
                self.report.reject("activities", ext, str(error), RELATION)
                continue
            for group in groups:
                rows[f"ac:{ext}:{duty}:{group}"] = {
                    "staff_id": staff_of[duty],
                    "group_id": self.group_ids[group],
                    "role": StaffRole.TEACHER,
                    "subject_id": subject,
                    **dates,
                }
        return rows


def _within(inner: dict[str, Any], outer: dict[str, Any]) -> dict[str, Any]:
    """The days of `inner` that are also days of `outer` (a teacher within an activity)."""
    starts = [d for d in (inner["start_date"], outer["start_date"]) if d is not None]
    ends = [d for d in (inner["end_date"], outer["end_date"]) if d is not None]
    days = {"start_date": max(starts, default=None), "end_date": min(ends, default=None)}
    if days["start_date"] and days["end_date"] and days["end_date"] < days["start_date"]:
        msg = "the teacher's days lie outside the activity's"
        raise RecordError(msg)
    return days
