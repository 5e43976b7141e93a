"""Findings of an outside review of the importer (2026-12-04), one test each.

Each asserts what docs/ss12000-import.md promises where the first version
of this importer did otherwise: relations kept when the record holding them
was rejected, placement owners never promoted to custodians by a run that
cannot tell, duties at a school ended at every unit, odd values rejected
one record at a time, identity numbers masked in reports.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest

from core.importers.source import Dataset, as_delta
from core.importers.ss12000 import import_dataset
from core.models import Duty, GroupMembership, Guardianship, Pupil, StaffAssignment, User
from tests.ss12000_data import TODAY, civic, dataset, find, person, ref, uid

pytestmark = pytest.mark.django_db


def relation_of(child: str, guardian: str):
    return list(
        Guardianship.objects.filter(
            pupil__person__external_id=uid(child), guardian__external_id=uid(guardian)
        ).values_list("relation_type", "end_date")
    )


def _with_stepdad():
    data = dataset()
    data["persons"].append(person("stepdad", "Sven", "Styv", civic("19800303", 981)))
    find(data, "placements", "pl-nils")["owners"].append(ref("stepdad"))
    return data


# 1. access: placement owner becomes custodian when the child's record is not in the run
def test_owner_stays_other_responsible_in_a_placements_only_run():
    data = _with_stepdad()
    import_dataset(data, today=TODAY)
    assert relation_of("nils", "stepdad") == [("Annan ansvarig", None)]
    import_dataset({"placements": data["placements"]}, today=TODAY)
    assert relation_of("nils", "stepdad") == [("Annan ansvarig", None)]


def test_owner_stays_other_responsible_in_a_delta():
    data = _with_stepdad()
    import_dataset(data, today=TODAY)
    since = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    for records in data.values():
        for r in records:
            r["meta"] = {"modified": "2026-10-01T00:00:00Z"}
    find(data, "placements", "pl-nils")["meta"] = {"modified": "2026-11-20T00:00:00Z"}
    delta, _ = as_delta(Dataset(data), since)
    import_dataset(delta, today=TODAY)
    assert relation_of("nils", "stepdad") == [("Annan ansvarig", None)]


# 2. access: owners of a placement that ended long ago become open custodians
def test_owner_of_an_ended_placement_is_not_an_open_custodian():
    data = dataset()
    data["persons"].append(person("foster", "Fia", "Foster", civic("19800303", 981)))
    nils = find(data, "persons", "nils")
    nils["responsibles"] = []
    data["placements"].append(
        {
            "id": uid("pl-old"),
            "placedAt": ref("solrosen"),
            "child": ref("nils"),
            "owners": [ref("foster")],
            "schoolType": "FS",
            "startDate": "2022-08-01",
            "endDate": "2023-06-01",
        }
    )
    import_dataset(data, today=TODAY)
    assert relation_of("nils", "foster") in ([], [("Vårdnadshavare", dt.date(2023, 6, 1))])


# 3. crash: a responsible whose person id is not a UUID, on a child with a placement
def test_bad_responsible_reference_does_not_stop_the_run():
    data = dataset()
    find(data, "persons", "nils")["responsibles"].append(
        {"person": {"id": "not-a-uuid"}, "relationType": "Vårdnadshavare"}
    )
    report = import_dataset(data, today=TODAY)
    assert any("not a UUID" in r.reason for r in report.rejections)


# 4. crash: civicNo as a bare string
def test_civic_no_as_a_string_does_not_stop_the_run():
    data = dataset()
    find(data, "persons", "greta")["civicNo"] = civic("19550607", 983)
    import_dataset(data, today=TODAY)


# 5. crash: a syllabus without subjectName
def test_syllabus_without_name_does_not_stop_the_run():
    data = dataset()
    del data["syllabuses"][0]["subjectName"]
    import_dataset(data, today=TODAY)


def test_syllabus_with_null_name_does_not_stop_the_run():
    data = dataset()
    data["syllabuses"][0]["subjectName"] = None
    import_dataset(data, today=TODAY)


# 6. crash: a non-object in activities
def test_null_activity_does_not_stop_the_run():
    data: dict[str, list[Any]] = dataset()
    data["activities"].append(None)
    report = import_dataset(data, today=TODAY)
    assert any(r.collection == "activities" for r in report.rejections)


# 7. crash: an id that is an object
def test_object_id_does_not_stop_the_run():
    data = dataset()
    data["persons"].append({"id": {"value": uid("x")}, "givenName": "X", "familyName": "Y"})
    report = import_dataset(data, today=TODAY)
    assert any(r.collection == "persons" for r in report.rejections)


# 8. a rejected child record (empty familyName) ends all of the child's guardianships
def test_rejected_person_record_keeps_its_guardianships():
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    find(data, "persons", "alva")["familyName"] = ""
    report = import_dataset(data, today=TODAY)
    assert report.counts["guardianships"].ended == 0, report.as_table()


def test_unknown_duty_role_keeps_the_duty_and_its_assignments():
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    find(data, "duties", "d-mats")["dutyRole"] = "Lärare i fritidshem (ny)"
    report = import_dataset(data, today=TODAY)
    assert (report.counts["duties"].ended, report.counts["assignments"].ended) == (0, 0)


def _skola_data():
    data = dataset()
    data["organisations"].append(
        {
            "id": uid("skola"),
            "displayName": "Skolan",
            "organisationType": "Skola",
            "parentOrganisation": ref("kommun"),
        }
    )
    for unit in ("bjorkskolan", "solrosen"):
        find(data, "organisations", unit)["parentOrganisation"] = ref("skola")
    data["duties"].append(
        {
            "id": uid("d-rektor"),
            "person": ref("greta"),
            "dutyAt": ref("skola"),
            "dutyRole": "Rektor",
        }
    )
    return data


# 9. a deleted duty at a Skola ends at every unit
def test_deleted_duty_at_a_school_ends_at_every_unit():
    import_dataset(_skola_data(), today=TODAY)
    assert Duty.objects.filter(person__external_id=uid("greta"), end_date=None).count() == 2
    delta = Dataset(incomplete=["duties"])
    delta["duties"] = []
    delta.deleted = {"duties": {__import__("uuid").UUID(uid("d-rektor"))}}
    import_dataset(delta, today=TODAY)
    assert Duty.objects.filter(person__external_id=uid("greta"), end_date=None).count() == 0


# 10. duties at a Skola end when a run holds duties but not organisations
def test_duties_at_a_school_survive_a_run_without_organisations():
    data = _skola_data()
    import_dataset(data, today=TODAY)
    report = import_dataset({"persons": data["persons"], "duties": data["duties"]}, today=TODAY)
    assert report.counts["duties"].ended == 0, [str(r) for r in report.rejections]


# 11. a delta with a changed fritids placement rewrites the pupil's GR enrolment
def test_delta_placement_does_not_overwrite_the_enrolment():
    data = dataset()
    data["placements"].append(
        {
            "id": uid("pl-alva"),
            "placedAt": ref("bjorkskolan"),
            "child": ref("alva"),
            "schoolType": "FTH",
            "startDate": "2023-08-01",
        }
    )
    import_dataset(data, today=TODAY)
    before = (
        Pupil.objects.filter(person__external_id=uid("alva"))
        .values_list("school_form", "school_year")
        .get()
    )
    assert before == ("GR", 3)
    import_dataset(
        Dataset({"placements": data["placements"]}, incomplete=["placements"]), today=TODAY
    )
    after = (
        Pupil.objects.filter(person__external_id=uid("alva"))
        .values_list("school_form", "school_year")
        .get()
    )
    assert after == before


def test_rows_named_deleted_are_no_mass_end(settings):
    # given: any one row ended for being absent would be a mass end
    settings.IMPORT_MASS_END_MIN = 1
    import_dataset(dataset(), today=TODAY)
    delta = Dataset(incomplete=["groups"])
    delta["groups"] = []
    delta.deleted = {"activities": {uuid.UUID(uid("ma-3a"))}}

    # when
    report = import_dataset(delta, today=TODAY, allow_mass_end=False)

    # then
    assert report.counts["assignments"].ended == 1
    tove = StaffAssignment.objects.get(staff__external_id=uid("tove"))
    assert tove.end_date == TODAY - dt.timedelta(days=1)


def test_delta_ending_a_duty_at_a_school_is_applied():
    data = _skola_data()
    import_dataset(data, today=TODAY)
    duty = dict(find(data, "duties", "d-rektor"), endDate="2026-10-31")
    delta = Dataset(
        {"organisations": [], "duties": [duty]}, incomplete=["organisations", "duties"]
    )
    report = import_dataset(delta, today=TODAY)
    assert Duty.objects.filter(person__external_id=uid("greta"), end_date=None).count() == 0, [
        str(r) for r in report.rejections
    ]


def test_person_without_id_with_embedded_responsible_for():
    data = dataset()
    data["persons"].append(
        {
            "givenName": "X",
            "familyName": "Y",
            "_embedded": {
                "responsibleFor": [{"person": ref("alva"), "relationType": "Vårdnadshavare"}]
            },
        }
    )
    import_dataset(data, today=TODAY)


def test_security_marking_object():
    data = dataset()
    find(data, "persons", "greta")["securityMarking"] = {"value": "Skyddad folkbokföring"}
    import_dataset(data, today=TODAY)


def test_eppn_as_string():
    data = dataset()
    find(data, "persons", "greta")["eduPersonPrincipalNames"] = "greta@exempelby.example.com"
    import_dataset(data, today=TODAY)
    assert not User.objects.filter(username="g").exists()


def test_report_holds_civic_number(tmp_path):
    data = dataset()
    bad = civic("19550607", 983)[:-1] + str((int(civic("19550607", 983)[-1]) + 1) % 10)
    find(data, "persons", "greta")["civicNo"]["value"] = bad
    report = import_dataset(data, today=TODAY)
    _json_path, txt = report.write(tmp_path / "r")
    assert bad not in txt.read_text()


def test_many_deleted_placements_end_in_one_run():
    # given: 1,500 deletions, Nils's placement among them
    import_dataset(dataset(), today=TODAY)
    delta = Dataset(incomplete=["placements"])
    delta["placements"] = []
    delta.deleted = {
        "placements": {uuid.uuid4() for _ in range(1499)} | {uuid.UUID(uid("pl-nils"))}
    }

    # when
    report = import_dataset(delta, today=TODAY)

    # then
    assert report.counts["memberships"].ended == 1
    nils = GroupMembership.objects.get(pupil__person__external_id=uid("nils"))
    assert nils.end_date == TODAY - dt.timedelta(days=1)
