"""Groups and memberships, from groups and placements."""

from __future__ import annotations

import uuid
from typing import Any

from core.importers import records as rec
from core.importers.records import RecordError
from core.importers.report import RELATION
from core.importers.ss12000.base import ImportRun, _mode
from core.importers.ss12000.persons import school_form_of
from core.importers.sync import Rows
from core.models import (
    Group,
    GroupKind,
    GroupMembership,
    SchoolForm,
)

GROUP_KINDS = {
    "Klass": GroupKind.CLASS,
    "Avdelning": GroupKind.DEPARTMENT,
    "Undervisning": GroupKind.TEACHING,
    "Mentor": GroupKind.MENTOR,
}
# Group types that say nothing about who teaches whom.
IGNORED_GROUP_TYPES = frozenset({"Schema", "Provgrupp", "Personalgrupp", "Övrigt"})


class GroupSteps(ImportRun):
    """Groups and memberships, from groups and placements."""

    def groups(self) -> None:
        """Classes, departments, teaching and mentor groups; gone ones end."""
        self.members: list[tuple[str, uuid.UUID, uuid.UUID, dict[str, Any]]] = []
        self.membership_holders: set[str] = set()
        if "groups" not in self.data:
            return
        rows: Rows = {}
        for ext, record in self.valid("groups"):
            if record["groupType"] in IGNORED_GROUP_TYPES:
                self.report.skip("groups")
                continue
            try:
                rows[ext] = self.group_row(record)
            except RecordError as error:
                self.report.reject("groups", ext, str(error))
                continue
            self.collect_members(ext, record)
            if "groupMemberships" in record:
                self.membership_holders.add(str(ext))
            if rows[ext]["school_form"] is None:
                # schoolType is optional on a group: its members' form, or its school's.
                rows[ext]["school_form"] = self.group_form(ext, rows[ext]["school_id"])
            if rows[ext]["kind"] == GroupKind.CLASS:
                rows[ext]["school_year"] = self.class_year(ext)
        self.sync_entity("groups", Group, rows, dated_by=("groups",))

    def group_row(self, record: dict[str, Any]) -> dict[str, Any]:
        """The Group fields of one record."""
        kind = GROUP_KINDS.get(record["groupType"])
        if kind is None:
            msg = f"groupType {record['groupType']!r} is unknown"
            raise RecordError(msg)
        school = self.school_ids.get(rec.ref(record, "organisation") or uuid.UUID(int=0))
        if school is None:
            msg = "organisation is not a known school unit"
            raise RecordError(msg)
        form = school_form_of(record.get("schoolType"))
        if form is not None and form not in SchoolForm.values:
            msg = f"schoolType {form!r} is not a school form this service serves"
            raise RecordError(msg)
        return {
            "name": record["displayName"],
            "kind": kind,
            "school_form": form,
            "school_id": school,
            "school_year": None,
            **rec.period(record),
        }

    def collect_members(self, ext: uuid.UUID, record: dict[str, Any]) -> None:
        """Note the group's memberships of pupils; others are rejected."""
        for membership in record.get("groupMemberships") or []:
            try:
                person, dates = rec.ref(rec.obj(membership), "person"), rec.period(membership)
            except RecordError as error:
                self.report.reject("groups", ext, f"membership: {error}", RELATION)
                continue
            if person not in self.pupil_ids:
                self.report.reject("groups", ext, f"member {person} is not a pupil", RELATION)
                continue
            start = dates["start_date"] or ""
            self.members.append((f"gm:{ext}:{person}:{start}", ext, person, dates))

    def group_form(self, ext: uuid.UUID, school: int) -> str:
        """A group's school form when the source leaves it out.

        The form most of its members are enrolled in; else its school's only
        form; else none (blank), which no template or summary counts on.
        """
        forms = [
            self.pupil_rows[person]["school_form"]
            for _, group, person, _ in self.members
            if group == ext and person in self.pupil_rows
        ]
        found = _mode(forms)
        if found is None:
            school_forms = self.school_forms.get(school, [])
            found = school_forms[0] if len(school_forms) == 1 else ""
        return str(found)

    def class_year(self, ext: uuid.UUID) -> int | None:
        """A class's school year: the one most of its members are in."""
        years = [
            self.pupil_rows[person]["school_year"]
            for _, group, person, _ in self.members
            if group == ext and person in self.pupil_rows
        ]
        year: int | None = _mode([y for y in years if y is not None])
        return year

    def memberships(self) -> None:
        """Memberships from groups and from preschool placements."""
        if "groups" in self.data:
            rows = {
                key: {
                    "group_id": self.group_ids[group],
                    "pupil_id": self.pupil_ids[person],
                    **dates,
                }
                for key, group, person, dates in self.members
            }
            self.sync_relation(
                "memberships",
                GroupMembership,
                rows,
                "gm:",
                "groups",
                holders=self.membership_holders,
            )
        if "placements" in self.data:
            self.sync_relation(
                "memberships",
                GroupMembership,
                self.placement_rows(),
                "pl:",
                "placements",
                holders={str(ext) for ext, _ in self.placements},
            )

    def placement_rows(self) -> Rows:
        """A membership of the department per preschool placement."""
        rows: Rows = {}
        for ext, placement in self.placements:
            try:
                group, child, dates = (
                    rec.ref(placement, "group"),
                    rec.ref(placement, "child"),
                    rec.period(placement),
                )
            except RecordError as error:
                self.report.reject("placements", ext, str(error))
                continue
            if group not in self.group_ids or child not in self.pupil_ids:
                continue  # A placement with no department, or already rejected.
            rows[f"pl:{ext}"] = {
                "group_id": self.group_ids[group],
                "pupil_id": self.pupil_ids[child],
                **dates,
            }
        return rows
