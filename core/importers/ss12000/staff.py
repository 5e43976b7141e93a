"""Duties and the assignments that tie staff to groups."""

from __future__ import annotations

import uuid
from typing import Any

from core.importers import records as rec
from core.importers.records import RecordError
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
                rows[ext] = self.duty_row(record, person_ids)
            except RecordError as error:
                self.report.reject("duties", ext, str(error))
                continue
            accepted.append((ext, record))
        self.sync_entity("duties", Duty, rows, dated=True)
        self.sync_relation(
            "assignments", StaffAssignment, self.assignment_rows(accepted, rows), "ar:"
        )

    def duty_row(self, record: dict[str, Any], person_ids: dict[uuid.UUID, int]) -> dict[str, Any]:
        """The Duty fields of one record."""
        person = person_ids.get(rec.ref(record, "person") or uuid.UUID(int=0))
        school = self.school_ids.get(rec.ref(record, "dutyAt") or uuid.UUID(int=0))
        if person is None:
            msg = "person is not among the persons"
            raise RecordError(msg)
        if school is None:
            msg = "dutyAt is not a known school unit"
            raise RecordError(msg)
        if record["dutyRole"] not in DutyRole.values:
            msg = f"dutyRole {record['dutyRole']!r} is unknown"
            raise RecordError(msg)
        return {
            "person_id": person,
            "school_id": school,
            "role": record["dutyRole"],
            **rec.period(record),
        }

    def assignment_rows(
        self, accepted: list[tuple[uuid.UUID, dict[str, Any]]], duties: Rows
    ) -> Rows:
        """Staff assignments from the duties' `assignmentRole` lists."""
        rows: Rows = {}
        for ext, record in accepted:
            for assignment in record.get("assignmentRole") or []:
                try:
                    key, row = self.assignment_row(ext, assignment)
                except RecordError as error:
                    self.report.reject("duties", ext, f"assignmentRole: {error}")
                    continue
                if key:
                    rows[key] = {"staff_id": duties[ext]["person_id"], **row}
        return rows

    def assignment_row(
        self, duty: uuid.UUID, assignment: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """Key and fields of one assignment role; an empty key for ignored roles."""
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
        for ext, record in self.valid("activities"):
            try:
                subject = subject_ids.get(rec.ref(record, "syllabus") or uuid.UUID(int=0))
                rows.update(self.teaching_rows(ext, record, staff_of, subject))
            except RecordError as error:
                self.report.reject("activities", ext, str(error))
        self.sync_relation("assignments", StaffAssignment, rows, "ac:")

    def teaching_rows(
        self,
        ext: uuid.UUID,
        record: dict[str, Any],
        staff_of: dict[uuid.UUID, int],
        subject: int | None,
    ) -> Rows:
        """A teacher assignment per (teacher, group) of one activity."""
        groups = [rec.uid(g.get("id")) for g in record["groups"]]
        unknown = [str(g) for g in groups if g not in self.group_ids]
        if unknown:
            msg = f"groups {', '.join(unknown)} are not known groups"
            raise RecordError(msg)
        rows: Rows = {}
        for teacher in record.get("teachers") or []:
            duty = rec.ref(teacher, "duty")
            if duty not in staff_of:
                msg = f"teacher duty {duty} is not a known duty"
                raise RecordError(msg)
            dates = rec.period(teacher if teacher.get("startDate") else record)
            for group in groups:
                rows[f"ac:{ext}:{duty}:{group}"] = {
                    "staff_id": staff_of[duty],
                    "group_id": self.group_ids[group],
                    "role": StaffRole.TEACHER,
                    "subject_id": subject,
                    **dates,
                }
        return rows
