"""Organisations, school units and subjects."""

from __future__ import annotations

import re
import uuid
from typing import Any

from core.importers import records as rec
from core.importers.records import RecordError
from core.importers.report import FIELD
from core.importers.ss12000.base import ImportRun, _ids
from core.importers.sync import Rows
from core.models import (
    Organisation,
    School,
    SchoolForm,
    Subject,
)

ORGANISATION_TYPES = frozenset(
    {
        "Huvudman",
        "Verksamhetsområde",
        "Förvaltning",
        "Rektorsområde",
        "Skola",
        "Skolenhet",
        "Varumärke",
        "Bolag",
        "Övrigt",
    }
)


_SCHOOL_UNIT_CODE = re.compile(r"\d{8}")
_MUNICIPALITY_CODE = re.compile(r"\d{4}")
# The namespace of the ids of "Okänd huvudman", one per municipality code.
UNKNOWN_ORGANISER = uuid.UUID("5f1c2d3e-0a4b-5c6d-8e7f-9a0b1c2d3e4f")


class OrganisationSteps(ImportRun):
    """Organisations, school units and subjects."""

    stored_organisers: dict[uuid.UUID | None, int]

    def organisations(self) -> None:
        """Organisers (Huvudman), then the school units below them."""
        if "organisations" not in self.data:
            return
        tree: dict[uuid.UUID, dict[str, Any]] = {}
        for ext, record in self.valid("organisations"):
            kind = record.get("organisationType")
            if not isinstance(kind, str):
                kind = None
            if kind is None:
                # Skolverket's DNP bodies leave the type out: a school unit code says enough.
                kind = "Skolenhet" if record.get("schoolUnitCode") else "Övrigt"
                self.report.reject(
                    "organisations", ext, f"organisationType is missing; read as {kind}", FIELD
                )
            if kind not in ORGANISATION_TYPES:
                self.report.reject("organisations", ext, f"organisationType {kind!r} is unknown")
                continue
            tree[ext] = {**record, "organisationType": kind}
        owners = {
            ext: {
                "name": r["displayName"],
                "organisation_number": r.get("organisationNumber") or "",
                "municipality_code": r.get("municipalityCode") or "",
            }
            for ext, r in tree.items()
            if r["organisationType"] == "Huvudman"
        }
        self.sync_entity("organisations", Organisation, owners)
        self.schools(tree, _ids(Organisation))
        self.units_of = _units_of_schools(tree)

    def schools(self, tree: dict[uuid.UUID, dict[str, Any]], owners: dict[uuid.UUID, int]) -> None:
        """School units (Skolenhet), each tied to its Huvudman."""
        code_holders = dict(School.objects.values_list("school_unit_code", "external_id"))
        self.stored_organisers = dict(
            School.objects.filter(external_id__isnull=False).values_list(
                "external_id", "organisation_id"
            )
        )
        rows: Rows = {}
        for ext, record in tree.items():
            if record["organisationType"] != "Skolenhet":
                continue
            try:
                rows[ext] = self.school_row(ext, record, tree, owners, code_holders)
            except RecordError as error:
                self.report.reject("organisations", ext, str(error))
        self.sync_entity("schools", School, rows)

    def school_row(
        self,
        ext: uuid.UUID,
        record: dict[str, Any],
        tree: dict[uuid.UUID, dict[str, Any]],
        owners: dict[uuid.UUID, int],
        code_holders: dict[str, uuid.UUID | None],
    ) -> dict[str, Any]:
        """The School fields of one record; refuses a missing or taken code."""
        code = record.get("schoolUnitCode")
        if not code:
            msg = "a Skolenhet needs a schoolUnitCode"
            raise RecordError(msg)
        if not (isinstance(code, str) and _SCHOOL_UNIT_CODE.fullmatch(code)):
            msg = f"schoolUnitCode {code!r} is not Skolverket's eight digits"
            raise RecordError(msg)
        if code_holders.setdefault(code, ext) != ext:
            msg = f"schoolUnitCode {code} belongs to organisation {code_holders[code]}"
            raise RecordError(msg)
        forms = [t for t in record.get("schoolTypes") or [] if t in SchoolForm.values]
        return {
            "name": record["displayName"],
            "school_unit_code": code,
            "school_forms": forms,
            "municipality_code": record.get("municipalityCode") or "",
            "organisation_id": self.organiser(ext, record, tree, owners),
        }

    def organiser(
        self,
        ext: uuid.UUID,
        record: dict[str, Any],
        tree: dict[uuid.UUID, dict[str, Any]],
        owners: dict[uuid.UUID, int],
    ) -> int:
        """The school unit's organiser: its Huvudman, else the one it had, else an unknown one.

        Skolverket's DNP bodies send a school unit with no organisation tree
        above it. The unit is imported all the same: under the organiser an
        earlier import gave it, or else under "Okänd huvudman" of its
        municipality, which no grant names, so no one reads more for it.
        """
        try:
            return owners[self.owner(ext, tree, owners)]
        except RecordError as error:
            kept = self.stored_organisers.get(ext)
            if kept is not None:
                return kept
            municipality = record.get("municipalityCode") or ""
            if not (isinstance(municipality, str) and _MUNICIPALITY_CODE.fullmatch(municipality)):
                municipality = ""
            unknown, created = Organisation.objects.get_or_create(
                external_id=uuid.uuid5(UNKNOWN_ORGANISER, municipality),
                defaults={
                    "name": f"Okänd huvudman {municipality}".strip(),
                    "municipality_code": municipality,
                },
            )
            self.report.counts["organisations"].created += int(created)
            self.report.reject(
                "organisations", ext, f"{error}; placed under {unknown.name}", FIELD
            )
            return unknown.pk

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
            parent = rec.ref(tree[parent], "parentOrganisation") if parent in tree else None
        msg = "no Huvudman above this school unit (parentOrganisation)"
        raise RecordError(msg)

    # -- subjects -------------------------------------------------------

    def subjects(self) -> None:
        """Subjects from syllabuses, and from syllabus references in activities."""
        rows: Rows = {}
        for ext, record in self.valid("syllabuses"):
            name, code = record.get("subjectName"), record.get("subjectCode")
            if not isinstance(name, str) or not name:
                self.report.reject("syllabuses", ext, "subjectName is required")
                continue
            rows[ext] = {"name": name, "code": code if isinstance(code, str) else ""}
        # Activities may name a syllabus the dataset does not list.
        known = set(_ids(Subject))
        for activity in self.data.get("activities", []):
            syllabus = activity.get("syllabus") if isinstance(activity, dict) else None
            if isinstance(syllabus, dict) and "id" in syllabus:
                shown = syllabus.get("displayName")
                with_name = {
                    "name": shown if isinstance(shown, str) and shown else "Okänt ämne",
                    "code": "",
                }
                try:
                    ext = rec.uid(syllabus["id"])
                except RecordError:
                    continue
                if ext not in known:
                    rows.setdefault(ext, with_name)
        if rows:
            self.sync_entity("subjects", Subject, rows)


def _units_of_schools(tree: dict[uuid.UUID, dict[str, Any]]) -> dict[uuid.UUID, list[uuid.UUID]]:
    """Each school (Skola) and the school units below it, by school unit code."""
    units: dict[uuid.UUID, list[tuple[str, uuid.UUID]]] = {}
    for ext, record in tree.items():
        if record["organisationType"] != "Skolenhet":
            continue
        seen = {ext}
        parent = _parent(record)
        while parent is not None and parent in tree and parent not in seen:
            seen.add(parent)
            if tree[parent]["organisationType"] == "Skola":
                units.setdefault(parent, []).append((record.get("schoolUnitCode") or "", ext))
            parent = _parent(tree[parent])
    return {school: [ext for _, ext in sorted(found)] for school, found in units.items()}


def _parent(record: dict[str, Any]) -> uuid.UUID | None:
    try:
        return rec.ref(record, "parentOrganisation")
    except RecordError:
        return None
