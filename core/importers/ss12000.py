"""Import the school roster from an SS 12000 dataset.

The run reads the whole dataset, validates each record, and makes the
roster match it in one transaction: rows are upserted by their SS 12000 ids,
relations that are gone from the source get an end date (documentation is
never deleted by an import), and a record that breaks a rule is skipped and
reported with its id and the reason. A dataset is taken as a full snapshot
of each collection it contains: relations derived from a collection that is
absent are left untouched.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import Q
from tqdm import tqdm

from core.importers import records as rec
from core.importers.records import Invalid
from core.importers.report import ImportReport
from core.importers.source import Dataset
from core.importers.sync import Counts, Rows, sync
from core.importers.validation import problems
from core.models import (
    Duty,
    DutyRole,
    Group,
    GroupKind,
    GroupMembership,
    Guardianship,
    Organisation,
    Person,
    Pupil,
    RelationType,
    School,
    SchoolForm,
    SecurityMarking,
    StaffAssignment,
    StaffRole,
    Subject,
    User,
)

ORGANISATION_TYPES = frozenset(
    {"Huvudman", "Verksamhetsområde", "Förvaltning", "Rektorsområde", "Skola",
     "Skolenhet", "Varumärke", "Bolag", "Övrigt"}
)  # fmt: skip
GROUP_KINDS = {
    "Klass": GroupKind.CLASS,
    "Avdelning": GroupKind.DEPARTMENT,
    "Undervisning": GroupKind.TEACHING,
    "Mentor": GroupKind.MENTOR,
}
# Group types that say nothing about who teaches whom.
IGNORED_GROUP_TYPES = frozenset({"Schema", "Provgrupp", "Personalgrupp", "Övrigt"})
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
# The school form a pupil is counted under when enrolled in several.
FORM_PRIORITY = (SchoolForm.COMPULSORY, SchoolForm.PRESCHOOL_CLASS, SchoolForm.UPPER_SECONDARY,
                 SchoolForm.PRESCHOOL, SchoolForm.LEISURE_CENTRE)  # fmt: skip
_PROGRESS_FROM = 2000


def import_dataset(
    dataset: Dataset, *, today: dt.date | None = None, progress: bool = False
) -> ImportReport:
    """Import `dataset` in one transaction and return what changed."""
    importer = Importer(dataset, today=today or dt.date.today(), progress=progress)
    with transaction.atomic():
        importer.run()
    return importer.report


def _ids(model: type[models.Model]) -> dict[uuid.UUID, int]:
    return dict(
        model._default_manager.filter(external_id__isnull=False).values_list(
            "external_id", "pk"
        )
    )


def _mode(values: list[int]) -> int | None:
    return Counter(values).most_common(1)[0][0] if values else None


class Importer:
    """One import run; holds the id maps that later collections resolve against."""

    def __init__(self, dataset: Dataset, *, today: dt.date, progress: bool) -> None:
        self.data = dataset
        self.today = today
        self.progress = progress
        self.report = ImportReport()
        self.pupil_rows: dict[uuid.UUID, dict[str, Any]] = {}

    def run(self) -> None:
        """Import every collection in dependency order."""
        self.organisations()
        self.school_ids = _ids(School)
        self.subjects()
        self.placements = list(self.valid("placements"))
        self.persons()
        self.pupil_ids = dict(
            Pupil.objects.filter(person__external_id__isnull=False).values_list(
                "person__external_id", "pk"
            )
        )
        self.groups()
        self.group_ids = _ids(Group)
        self.memberships()
        self.duties()
        self.activities()

    # -- helpers --------------------------------------------------------

    def valid(self, collection: str) -> Iterator[tuple[uuid.UUID, dict[str, Any]]]:
        """(id, record) for each record of `collection` that fits the schema."""
        records = self.data.get(collection, [])
        shown = self.progress and len(records) >= _PROGRESS_FROM
        for record in tqdm(
            records, desc=collection, unit=" records", disable=not shown
        ):
            faults = problems(collection, record)
            if faults:
                self.report.reject(
                    collection, record.get("id", "(no id)"), "; ".join(faults)
                )
                continue
            yield uuid.UUID(record["id"]), record

    def count(self, kind: str, counts: Counts) -> None:
        self.report.counts[kind] += counts

    def sync_relation(
        self, kind: str, model: type[models.Model], rows: Rows, prefix: str
    ) -> None:
        """Sync importer-managed relation rows whose key starts with `prefix`."""
        counts, _ = sync(
            model,
            "source_key",
            rows,
            scope=Q(source_key__startswith=prefix),
            end_missing_on=self.today,
        )
        self.count(kind, counts)

    # -- organisations and schools ---------------------------------------

    def organisations(self) -> None:
        if "organisations" not in self.data:
            return
        tree: dict[uuid.UUID, dict[str, Any]] = {}
        for ext, record in self.valid("organisations"):
            if record["organisationType"] not in ORGANISATION_TYPES:
                kind = record["organisationType"]
                self.report.reject(
                    "organisations", ext, f"organisationType {kind!r} is unknown"
                )
                continue
            tree[ext] = record
        owners = {
            ext: {
                "name": r["displayName"],
                "organisation_number": r.get("organisationNumber") or "",
                "municipality_code": r.get("municipalityCode") or "",
            }
            for ext, r in tree.items()
            if r["organisationType"] == "Huvudman"
        }
        counts, _ = sync(
            Organisation, "external_id", owners, scope=Q(external_id__isnull=False)
        )
        self.count("organisations", counts)
        self.schools(tree, _ids(Organisation))

    def schools(
        self, tree: dict[uuid.UUID, dict[str, Any]], owners: dict[uuid.UUID, int]
    ) -> None:
        code_holders = dict(
            School.objects.values_list("school_unit_code", "external_id")
        )
        rows: Rows = {}
        for ext, record in tree.items():
            if record["organisationType"] != "Skolenhet":
                continue
            try:
                rows[ext] = self.school_row(ext, record, tree, owners, code_holders)
            except Invalid as error:
                self.report.reject("organisations", ext, str(error))
        counts, _ = sync(
            School, "external_id", rows, scope=Q(external_id__isnull=False)
        )
        self.count("schools", counts)

    def school_row(
        self,
        ext: uuid.UUID,
        record: dict[str, Any],
        tree: dict[uuid.UUID, dict[str, Any]],
        owners: dict[uuid.UUID, int],
        code_holders: dict[str, uuid.UUID | None],
    ) -> dict[str, Any]:
        code = record.get("schoolUnitCode")
        if not code:
            msg = "a Skolenhet needs a schoolUnitCode"
            raise Invalid(msg)
        if code_holders.setdefault(code, ext) != ext:
            msg = f"schoolUnitCode {code} belongs to organisation {code_holders[code]}"
            raise Invalid(msg)
        forms = [t for t in record.get("schoolTypes") or [] if t in SchoolForm.values]
        return {
            "name": record["displayName"],
            "school_unit_code": code,
            "school_forms": forms,
            "municipality_code": record.get("municipalityCode") or "",
            "organisation_id": owners[self.owner(ext, tree, owners)],
        }

    def owner(
        self,
        ext: uuid.UUID,
        tree: dict[uuid.UUID, dict[str, Any]],
        owners: dict[uuid.UUID, int],
    ) -> uuid.UUID:
        """The Huvudman above a school unit, following parentOrganisation."""
        seen = {ext}
        parent = rec.ref(tree[ext], "parentOrganisation")
        while parent is not None and parent not in seen:
            if parent in owners:
                return parent
            seen.add(parent)
            parent = (
                rec.ref(tree[parent], "parentOrganisation") if parent in tree else None
            )
        msg = "no Huvudman above this school unit (parentOrganisation)"
        raise Invalid(msg)

    # -- subjects -------------------------------------------------------

    def subjects(self) -> None:
        rows: Rows = {}
        for ext, record in self.valid("syllabuses"):
            rows[ext] = {
                "name": record["subjectName"],
                "code": record.get("subjectCode") or "",
            }
        # Activities may name a syllabus the dataset does not list.
        known = set(_ids(Subject))
        for activity in self.data.get("activities", []):
            syllabus = activity.get("syllabus")
            if isinstance(syllabus, dict) and "id" in syllabus:
                with_name = {
                    "name": syllabus.get("displayName") or "Okänt ämne",
                    "code": "",
                }
                try:
                    ext = rec.uid(syllabus["id"])
                except Invalid:
                    continue
                if ext not in known:
                    rows.setdefault(ext, with_name)
        if rows:
            counts, _ = sync(
                Subject, "external_id", rows, scope=Q(external_id__isnull=False)
            )
            self.count("subjects", counts)

    # -- persons, accounts, pupils and guardians ------------------------

    def persons(self) -> None:
        if "persons" not in self.data and "placements" not in self.data:
            return
        accepted: dict[uuid.UUID, dict[str, Any]] = {}
        if "persons" in self.data:
            accepted = self.person_rows()
        person_ids = _ids(Person)
        self.accounts(accepted, person_ids)
        self.pupils(accepted, person_ids)
        if "persons" in self.data:
            self.guardianships(accepted, person_ids)

    def person_rows(self) -> dict[uuid.UUID, dict[str, Any]]:
        holders = dict(
            Person.objects.filter(civic_no__isnull=False).values_list(
                "civic_no", "external_id"
            )
        )
        rows: Rows = {}
        accepted: dict[uuid.UUID, dict[str, Any]] = {}
        for ext, record in self.valid("persons"):
            try:
                row = self.person_row(record)
                self.claim_civic_no(ext, row["civic_no"], holders)
            except Invalid as error:
                self.report.reject("persons", ext, str(error))
                continue
            rows[ext], accepted[ext] = row, record
        counts, _ = sync(
            Person, "external_id", rows, scope=Q(external_id__isnull=False)
        )
        self.count("persons", counts)
        return accepted

    @staticmethod
    def claim_civic_no(
        ext: uuid.UUID, civic_no: str | None, holders: dict[str, uuid.UUID | None]
    ) -> None:
        if civic_no and holders.setdefault(civic_no, ext) != ext:
            msg = (
                f"civicNo is already the identity number of person {holders[civic_no]}"
            )
            raise Invalid(msg)

    @staticmethod
    def person_row(record: dict[str, Any]) -> dict[str, Any]:
        civic_no, born = rec.civic_no(record)
        marking = record.get("securityMarking") or SecurityMarking.NONE
        protected = marking != SecurityMarking.NONE
        addresses = [] if protected else record.get("addresses")
        home = ("Folkbokföring", "Postadress")
        return {
            "given_name": record["givenName"],
            "family_name": record["familyName"],
            "civic_no": civic_no,
            "birth_date": rec.day(record, "birthDate") or born,
            "security_marking": marking,
            "email": rec.first(record.get("emails"), "value", prefer=("Privat",)) or "",
            "phone": rec.first(record.get("phoneNumbers"), "value") or "",
            "street_address": rec.first(addresses, "streetAddress", prefer=home) or "",
            "postal_code": rec.first(addresses, "postalCode", prefer=home) or "",
            "locality": rec.first(addresses, "locality", prefer=home) or "",
        }

    def accounts(
        self,
        accepted: dict[uuid.UUID, dict[str, Any]],
        person_ids: dict[uuid.UUID, int],
    ) -> None:
        """One login per person with an eduPersonPrincipalName (the username)."""
        rows: Rows = {}
        for ext, record in accepted.items():
            names = record.get("eduPersonPrincipalNames") or []
            if not names:
                continue
            if names[0] in rows:
                self.report.reject(
                    "persons", ext, f"eduPersonPrincipalName {names[0]} is used twice"
                )
                continue
            rows[names[0]] = {"person_id": person_ids[ext]}
        self.release_old_usernames(rows)
        counts, _ = sync(
            User, "username", rows, scope=Q(), create={"password": make_password(None)}
        )
        self.count("accounts", counts)

    @staticmethod
    def release_old_usernames(rows: Rows) -> None:
        """A person whose username changed keeps one account: the old one lets go."""
        wanted = {row["person_id"]: username for username, row in rows.items()}
        stale = [
            pk
            for pk, username, person_id in User.objects.filter(
                person__isnull=False
            ).values_list("pk", "username", "person_id")
            if wanted.get(person_id, username) != username
        ]
        User.objects.filter(pk__in=stale).update(person=None)

    def pupils(
        self,
        accepted: dict[uuid.UUID, dict[str, Any]],
        person_ids: dict[uuid.UUID, int],
    ) -> None:
        """Persons with an enrolment or a preschool placement are pupils."""
        rows: Rows = {}
        for ext, record in accepted.items():
            try:
                row = self.enrolment_row(record)
            except Invalid as error:
                self.report.reject("persons", ext, str(error))
                continue
            if row is not None:
                rows[person_ids[ext]] = self.pupil_rows[ext] = row
        for ext, placement in self.placements:
            child = rec.ref(placement, "child")
            school = self.school_ids.get(rec.ref(placement, "placedAt") or ext)
            if child not in person_ids or school is None:
                self.report.reject("placements", ext, "child or placedAt is not known")
                continue
            row = {
                "school_id": school,
                "school_form": SchoolForm.PRESCHOOL,
                "school_year": None,
            }
            rows.setdefault(person_ids[child], row)
        counts, _ = sync(Pupil, "person_id", rows, scope=Q())
        self.count("pupils", counts)

    def enrolment_row(self, record: dict[str, Any]) -> dict[str, Any] | None:
        """School, form and year from the enrolment that counts: current, then by form."""
        candidates = []
        for enrolment in record.get("enrolments") or []:
            form = enrolment.get("schoolType")
            if enrolment.get("cancelled") or form not in SchoolForm.values:
                continue
            school = rec.ref(enrolment, "enroledAt")
            if school not in self.school_ids:
                msg = f"enrolment at {school}, which is not a known school unit"
                raise Invalid(msg)
            dates = rec.period(enrolment)
            current = (
                (dates["start_date"] or self.today)
                <= self.today
                <= (dates["end_date"] or self.today)
            )
            row = {"school_id": self.school_ids[school], "school_form": form,
                   "school_year": enrolment.get("schoolYear")}  # fmt: skip
            candidates.append((not current, FORM_PRIORITY.index(SchoolForm(form)), row))
        return min(candidates, key=lambda c: c[:2])[2] if candidates else None

    def guardianships(
        self,
        accepted: dict[uuid.UUID, dict[str, Any]],
        person_ids: dict[uuid.UUID, int],
    ) -> None:
        pupil_of = dict(Pupil.objects.values_list("person_id", "pk"))
        rows: Rows = {}
        for ext, record in accepted.items():
            responsibles = record.get("responsibles") or []
            pupil = pupil_of.get(person_ids[ext])
            if responsibles and pupil is None:
                self.report.reject(
                    "persons", ext, "has responsibles but is not a pupil"
                )
                continue
            for responsible in responsibles:
                try:
                    guardian, row = self.guardianship_row(responsible, person_ids)
                except Invalid as error:
                    self.report.reject("persons", ext, str(error))
                    continue
                rows[f"resp:{ext}:{guardian}"] = {"pupil_id": pupil, **row}
        self.sync_relation("guardianships", Guardianship, rows, "resp:")

    @staticmethod
    def guardianship_row(
        responsible: dict[str, Any], person_ids: dict[uuid.UUID, int]
    ) -> tuple[uuid.UUID, dict[str, Any]]:
        guardian = rec.ref(responsible, "person")
        if guardian not in person_ids:
            msg = f"responsible {guardian} is not among the persons"
            raise Invalid(msg)
        relation = responsible.get("relationType")
        if relation not in RelationType.values:
            msg = f"relationType {relation!r} is unknown"
            raise Invalid(msg)
        return guardian, {
            "guardian_id": person_ids[guardian],
            "relation_type": relation,
            "end_date": None,
        }

    # -- groups and memberships -----------------------------------------

    def groups(self) -> None:
        self.members: list[tuple[str, uuid.UUID, uuid.UUID, dict[str, Any]]] = []
        if "groups" not in self.data:
            return
        rows: Rows = {}
        for ext, record in self.valid("groups"):
            if record["groupType"] in IGNORED_GROUP_TYPES:
                continue
            try:
                rows[ext] = self.group_row(record)
            except Invalid as error:
                self.report.reject("groups", ext, str(error))
                continue
            self.collect_members(ext, record)
            if rows[ext]["kind"] == GroupKind.CLASS:
                rows[ext]["school_year"] = self.class_year(ext)
        counts, _ = sync(
            Group,
            "external_id",
            rows,
            scope=Q(external_id__isnull=False),
            end_missing_on=self.today,
        )
        self.count("groups", counts)

    def group_row(self, record: dict[str, Any]) -> dict[str, Any]:
        kind = GROUP_KINDS.get(record["groupType"])
        if kind is None:
            msg = f"groupType {record['groupType']!r} is unknown"
            raise Invalid(msg)
        if record["schoolType"] not in SchoolForm.values:
            msg = f"schoolType {record['schoolType']!r} is not a school form this service serves"
            raise Invalid(msg)
        school = self.school_ids.get(
            rec.ref(record, "organisation") or uuid.UUID(int=0)
        )
        if school is None:
            msg = "organisation is not a known school unit"
            raise Invalid(msg)
        return {"name": record["displayName"], "kind": kind, "school_form": record["schoolType"],
                "school_id": school, "school_year": None, **rec.period(record)}  # fmt: skip

    def collect_members(self, ext: uuid.UUID, record: dict[str, Any]) -> None:
        for membership in record.get("groupMemberships") or []:
            try:
                person, dates = rec.ref(membership, "person"), rec.period(membership)
            except Invalid as error:
                self.report.reject("groups", ext, f"membership: {error}")
                continue
            if person not in self.pupil_ids:
                self.report.reject("groups", ext, f"member {person} is not a pupil")
                continue
            start = dates["start_date"] or ""
            self.members.append((f"gm:{ext}:{person}:{start}", ext, person, dates))

    def class_year(self, ext: uuid.UUID) -> int | None:
        """A class's school year: the one most of its members are in."""
        years = [
            self.pupil_rows[person]["school_year"]
            for _, group, person, _ in self.members
            if group == ext and person in self.pupil_rows
        ]
        return _mode([y for y in years if y is not None])

    def memberships(self) -> None:
        if "groups" in self.data:
            rows = {
                key: {
                    "group_id": self.group_ids[group],
                    "pupil_id": self.pupil_ids[person],
                    **dates,
                }
                for key, group, person, dates in self.members
            }
            self.sync_relation("memberships", GroupMembership, rows, "gm:")
        if "placements" in self.data:
            self.sync_relation(
                "memberships", GroupMembership, self.placement_rows(), "pl:"
            )

    def placement_rows(self) -> Rows:
        rows: Rows = {}
        for ext, placement in self.placements:
            try:
                group, child, dates = (
                    rec.ref(placement, "group"),
                    rec.ref(placement, "child"),
                    rec.period(placement),
                )
            except Invalid as error:
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

    # -- staff ----------------------------------------------------------

    def duties(self) -> None:
        if "duties" not in self.data:
            return
        person_ids = _ids(Person)
        rows: Rows = {}
        accepted: list[tuple[uuid.UUID, dict[str, Any]]] = []
        for ext, record in self.valid("duties"):
            try:
                rows[ext] = self.duty_row(record, person_ids)
            except Invalid as error:
                self.report.reject("duties", ext, str(error))
                continue
            accepted.append((ext, record))
        counts, _ = sync(
            Duty,
            "external_id",
            rows,
            scope=Q(external_id__isnull=False),
            end_missing_on=self.today,
        )
        self.count("duties", counts)
        self.sync_relation(
            "assignments", StaffAssignment, self.assignment_rows(accepted, rows), "ar:"
        )

    def duty_row(
        self, record: dict[str, Any], person_ids: dict[uuid.UUID, int]
    ) -> dict[str, Any]:
        person = person_ids.get(rec.ref(record, "person") or uuid.UUID(int=0))
        school = self.school_ids.get(rec.ref(record, "dutyAt") or uuid.UUID(int=0))
        if person is None:
            msg = "person is not among the persons"
            raise Invalid(msg)
        if school is None:
            msg = "dutyAt is not a known school unit"
            raise Invalid(msg)
        if record["dutyRole"] not in DutyRole.values:
            msg = f"dutyRole {record['dutyRole']!r} is unknown"
            raise Invalid(msg)
        return {
            "person_id": person,
            "school_id": school,
            "role": record["dutyRole"],
            **rec.period(record),
        }

    def assignment_rows(
        self, accepted: list[tuple[uuid.UUID, dict[str, Any]]], duties: Rows
    ) -> Rows:
        rows: Rows = {}
        for ext, record in accepted:
            for assignment in record.get("assignmentRole") or []:
                try:
                    key, row = self.assignment_row(ext, assignment)
                except Invalid as error:
                    self.report.reject("duties", ext, f"assignmentRole: {error}")
                    continue
                if key:
                    rows[key] = {"staff_id": duties[ext]["person_id"], **row}
        return rows

    def assignment_row(
        self, duty: uuid.UUID, assignment: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        kind = assignment.get("assignmentRoleType")
        if kind in IGNORED_ASSIGNMENT_ROLES:
            return "", {}
        if kind not in ASSIGNMENT_ROLES:
            msg = f"assignmentRoleType {kind!r} is unknown"
            raise Invalid(msg)
        group, dates = rec.ref(assignment, "group"), rec.period(assignment)
        if group not in self.group_ids:
            msg = f"group {group} is not a known group"
            raise Invalid(msg)
        key = f"ar:{duty}:{group}:{kind}:{dates['start_date'] or ''}"
        return key, {
            "group_id": self.group_ids[group],
            "role": ASSIGNMENT_ROLES[kind],
            "subject_id": None,
            **dates,
        }

    def activities(self) -> None:
        if "activities" not in self.data:
            return
        staff_of = dict(
            Duty.objects.filter(external_id__isnull=False).values_list(
                "external_id", "person_id"
            )
        )
        subject_ids = _ids(Subject)
        rows: Rows = {}
        for ext, record in self.valid("activities"):
            try:
                subject = subject_ids.get(
                    rec.ref(record, "syllabus") or uuid.UUID(int=0)
                )
                rows.update(self.teaching_rows(ext, record, staff_of, subject))
            except Invalid as error:
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
            raise Invalid(msg)
        rows: Rows = {}
        for teacher in record.get("teachers") or []:
            duty = rec.ref(teacher, "duty")
            if duty not in staff_of:
                msg = f"teacher duty {duty} is not a known duty"
                raise Invalid(msg)
            dates = rec.period(teacher if teacher.get("startDate") else record)
            for group in groups:
                rows[f"ac:{ext}:{duty}:{group}"] = {"staff_id": staff_of[duty], "group_id": self.group_ids[group],
                    "role": StaffRole.TEACHER, "subject_id": subject, **dates}  # fmt: skip
        return rows
