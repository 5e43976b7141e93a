"""Persons, their accounts, pupils and guardianships."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db.models import Q

from core.importers import records as rec
from core.importers.records import RecordError
from core.importers.report import FIELD, RELATION
from core.importers.ss12000.base import ImportRun, _ids
from core.importers.sync import Rows, sync
from core.models import (
    Guardianship,
    Person,
    Pupil,
    RelationType,
    SchoolForm,
    SecurityMarking,
    User,
)

# The school form a pupil is counted under when enrolled in several.
# What a person may edit in their settings, which an import then leaves be.
ADDRESS_FIELDS = ("street_address", "postal_code", "locality")
CONTACT_FIELDS = ("email", "phone", *ADDRESS_FIELDS)
FORM_PRIORITY = (
    SchoolForm.COMPULSORY,
    SchoolForm.COMPULSORY_ADAPTED,
    SchoolForm.SPECIAL,
    SchoolForm.SAMI,
    SchoolForm.PRESCHOOL_CLASS,
    SchoolForm.UPPER_SECONDARY,
    SchoolForm.UPPER_SECONDARY_ADAPTED,
    SchoolForm.PRESCHOOL,
    SchoolForm.LEISURE_CENTRE,
)
# SS 12000 school types read as another: träningsskolan (TR) is a part of
# anpassad grundskola (formerly grundsärskolan).
FORM_OF_TYPE = {"TR": SchoolForm.COMPULSORY_ADAPTED}
MARKINGS = frozenset(SecurityMarking.values)
LAST_YEAR = 13  # the highest schoolYear of any form (anpassad gymnasieskola's fourth year is 13)
# Placements that make the child a pupil: preschool and fritidshem.
PLACEMENT_FORMS = frozenset({SchoolForm.PRESCHOOL, SchoolForm.LEISURE_CENTRE})


def _ref_or_none(reference: Any) -> uuid.UUID | None:
    """The id a reference points at, or None when it is not a reference with a UUID."""
    try:
        return rec.ref({"ref": reference}, "ref")
    except RecordError:
        return None


def school_form_of(school_type: Any) -> Any:
    """The school form an SS 12000 school type is read as (itself, unless `FORM_OF_TYPE`)."""
    return FORM_OF_TYPE.get(school_type, school_type) if isinstance(school_type, str) else None


class PersonSteps(ImportRun):
    """Persons, their accounts, pupils and guardianships."""

    def persons(self) -> None:
        """Persons, then their accounts, pupil rows and guardianships."""
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
        if "placements" in self.data:
            self.owners(accepted, person_ids)

    def person_rows(self) -> dict[uuid.UUID, dict[str, Any]]:
        """Sync Person rows; return the accepted records by id."""
        holders = {
            civic_no: ext
            for civic_no, ext in Person.objects.values_list("civic_no", "external_id")
            if civic_no
        }
        edited = {
            row.pop("external_id"): row
            for row in Person.objects.filter(contact_edited=True).values(
                "external_id", *CONTACT_FIELDS
            )
        }
        rows: Rows = {}
        accepted: dict[uuid.UUID, dict[str, Any]] = {}
        for ext, record in self.valid("persons"):
            row = self.person_row(ext, record)
            try:
                self.claim_civic_no(ext, row["civic_no"], holders)
            except RecordError as error:
                self.report.reject("persons", ext, str(error), FIELD)
                row["civic_no"] = None
            if ext in edited:
                # The person keeps what they typed in their settings, except
                # an address once the register marks them protected.
                kept = edited[ext]
                if row["security_marking"] != SecurityMarking.NONE:
                    kept = {k: v for k, v in kept.items() if k not in ADDRESS_FIELDS}
                row |= kept
            rows[ext], accepted[ext] = row, record
        self.sync_entity("persons", Person, rows)
        return accepted

    @staticmethod
    def claim_civic_no(
        ext: uuid.UUID, civic_no: str | None, holders: dict[str, uuid.UUID | None]
    ) -> None:
        """Refuse an identity number that another person already holds."""
        if civic_no and holders.setdefault(civic_no, ext) != ext:
            msg = f"civicNo is already the identity number of person {holders[civic_no]}"
            raise RecordError(msg)

    def person_row(self, ext: uuid.UUID, record: dict[str, Any]) -> dict[str, Any]:
        """The Person fields of one record; no address when protected.

        A field that cannot be read is left out and reported; the person
        and every relation to them are still imported. An unknown security
        marking is read as protected identity: the safe side.
        """
        try:
            civic_no, born = rec.civic_no(record)
        except RecordError as error:
            self.report.reject("persons", ext, f"{error}; imported without it", FIELD)
            civic_no, born = None, None
        try:
            birth_date = rec.day(record, "birthDate") or born
        except RecordError as error:
            self.report.reject("persons", ext, f"{error}; imported without it", FIELD)
            birth_date = born
        marking = record.get("securityMarking") or SecurityMarking.NONE
        if not isinstance(marking, str) or marking not in MARKINGS:
            self.report.reject(
                "persons",
                ext,
                f"securityMarking {marking!r} is unknown; imported as protected identity",
                FIELD,
            )
            marking = SecurityMarking.PROTECTED_REGISTRATION
        protected = marking != SecurityMarking.NONE
        addresses = [] if protected else record.get("addresses")
        home = ("Folkbokföring", "Postadress")
        return {
            "given_name": record["givenName"],
            "family_name": record["familyName"],
            "civic_no": civic_no,
            "birth_date": birth_date,
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
            given = record.get("eduPersonPrincipalNames")
            names = (
                [n for n in given if isinstance(n, str) and n] if isinstance(given, list) else []
            )
            if not names:
                continue
            if names[0] in rows:
                self.report.reject(
                    "persons",
                    ext,
                    f"eduPersonPrincipalName {names[0]} is used twice; no account",
                    FIELD,
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
            for pk, username, person_id in User.objects.filter(person__isnull=False).values_list(
                "pk", "username", "person_id"
            )
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
        stored_pupils = set(Pupil.objects.values_list("person_id", flat=True))
        for ext, record in accepted.items():
            row = self.enrolment_row(ext, record)
            if row is not None:
                rows[person_ids[ext]] = self.pupil_rows[ext] = row
        for ext, placement in self.placements:
            form = placement["schoolType"]
            if form not in PLACEMENT_FORMS:
                self.report.skip("placements")  # öppen fritidsverksamhet keeps no pages
                continue
            child = rec.ref(placement, "child")
            school = self.school_ids.get(rec.ref(placement, "placedAt") or ext)
            if child not in person_ids or school is None:
                self.report.reject("placements", ext, "child or placedAt is not known")
                continue
            if child not in accepted and person_ids[child] in stored_pupils:
                continue  # an enrolment may place the child: without its record, keep the row
            row = {"school_id": school, "school_form": form, "school_year": None}
            rows.setdefault(person_ids[child], row)
        counts, _ = sync(Pupil, "person_id", rows, scope=Q())
        self.count("pupils", counts)

    def enrolment_row(self, ext: uuid.UUID, record: dict[str, Any]) -> dict[str, Any] | None:
        """School, form and year from the enrolment that counts: current, then by form.

        An enrolment that cannot be read is reported and the others count.
        """
        candidates = []
        for enrolment in record.get("enrolments") or []:
            if not isinstance(enrolment, dict):
                continue
            form = school_form_of(enrolment.get("schoolType"))
            if enrolment.get("cancelled") or form not in SchoolForm.values:
                continue
            try:
                school = rec.known(rec.ref(enrolment, "enroledAt"), self.school_ids, "school unit")
                dates = rec.period(enrolment)
            except RecordError as error:
                self.report.reject("persons", ext, f"enrolment: {error}", RELATION)
                continue
            year = enrolment.get("schoolYear")
            current = (
                (dates["start_date"] or self.today)
                <= self.today
                <= (dates["end_date"] or self.today)
            )
            row = {
                "school_id": self.school_ids[school],
                "school_form": form,
                "school_year": year if isinstance(year, int) and 0 <= year <= LAST_YEAR else None,
            }
            candidates.append((not current, FORM_PRIORITY.index(SchoolForm(form)), row))
        return min(candidates, key=lambda c: c[:2])[2] if candidates else None

    def guardianships(
        self,
        accepted: dict[uuid.UUID, dict[str, Any]],
        person_ids: dict[uuid.UUID, int],
    ) -> None:
        """Guardianships from `responsibles`; gone ones end."""
        pupil_of = dict(Pupil.objects.values_list("person_id", "pk"))
        rows: Rows = {}
        for ext, record in accepted.items():
            responsibles = record.get("responsibles") or []
            pupil = pupil_of.get(person_ids[ext])
            if responsibles and pupil is None:
                self.report.reject("persons", ext, "has responsibles but is not a pupil", RELATION)
                continue
            for responsible in responsibles:
                try:
                    guardian, row = self.guardianship_row(responsible, person_ids)
                except RecordError as error:
                    self.report.reject("persons", ext, str(error), RELATION)
                    continue
                rows[f"resp:{ext}:{guardian}"] = {"pupil_id": pupil, **row}
        holders = {str(ext) for ext, record in accepted.items() if "responsibles" in record}
        self.sync_relation(
            "guardianships", Guardianship, rows, "resp:", "persons", holders=holders
        )

    def owners(
        self, accepted: dict[uuid.UUID, dict[str, Any]], person_ids: dict[uuid.UUID, int]
    ) -> None:
        """Guardianships from the placements' `owners`, the guardians holding each place.

        Preschool and fritidshem placements only, for the placement's days.
        A child whose record in this run names no responsibles gets its
        owners as custodians (Vårdnadshavare): municipal registers put the
        custodians on a placement. An owner beside named responsibles who is
        not one of them is another responsible adult (Annan ansvarig), with
        no rights unless an administrator gives them. Without the child's
        record in the run that cannot be told: a stored owner keeps what it
        was, a new one is another responsible adult.
        """
        pupil_of = dict(Pupil.objects.values_list("person_id", "pk"))
        stored = dict(
            Guardianship.objects.filter(source_key__startswith="own:").values_list(
                "source_key", "relation_type"
            )
        )
        rows: Rows = {}
        holders: set[str] = set()
        faulted: set[str] = set()
        for ext, placement in self.placements:
            try:
                child = rec.ref(placement, "child")
                days = rec.period(placement)
            except RecordError:
                continue  # reported with the placement's membership
            pupil = pupil_of.get(person_ids.get(child or uuid.UUID(int=0), 0))
            if pupil is None or placement["schoolType"] not in PLACEMENT_FORMS:
                continue
            holders.add(str(child))
            record = accepted.get(child) if child is not None else None
            named = {
                _ref_or_none(r.get("person"))
                for r in (record or {}).get("responsibles") or []
                if isinstance(r, dict)
            }
            for owner in placement.get("owners") or []:
                person = _ref_or_none(owner)
                if person not in person_ids:
                    msg = f"owner {owner!r} is not among the persons"
                    self.report.reject("placements", ext, msg, RELATION)
                    faulted.add(str(child))
                    continue
                if person in named:
                    continue
                key = f"own:{child}:{person}"
                if record is None:
                    relation = stored.get(key, RelationType.OTHER_RESPONSIBLE)
                elif named:
                    relation = RelationType.OTHER_RESPONSIBLE
                else:
                    relation = RelationType.CUSTODIAN
                rows[key] = {
                    "pupil_id": pupil,
                    "guardian_id": person_ids[person],
                    "relation_type": relation,
                    **days,
                }
        self.sync_relation(
            "guardianships",
            Guardianship,
            rows,
            "own:",
            "placements",
            holders=holders,
            faulted=faulted,
        )

    @staticmethod
    def guardianship_row(
        responsible: dict[str, Any], person_ids: dict[uuid.UUID, int]
    ) -> tuple[uuid.UUID, dict[str, Any]]:
        """The guardian's id and Guardianship fields of one responsible."""
        if not isinstance(responsible, dict):
            msg = f"responsible {responsible!r} is not an object"
            raise RecordError(msg)
        guardian = rec.ref(responsible, "person")
        if guardian not in person_ids:
            msg = f"responsible {guardian} is not among the persons"
            raise RecordError(msg)
        relation = responsible.get("relationType")
        if relation not in RelationType.values:
            msg = f"relationType {relation!r} is unknown"
            raise RecordError(msg)
        return guardian, {
            "guardian_id": person_ids[guardian],
            "relation_type": relation,
            "end_date": None,
        }
