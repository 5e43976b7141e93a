"""SS 12000 as others write it: the shapes and faults that stopped or emptied earlier runs.

Each test is one finding of issue 15, on the small dataset of
`tests.ss12000_data` changed the way real exports differ from it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.importers.source import load_dataset
from core.importers.ss12000 import MassEnd, import_dataset
from core.models import (
    Duty,
    Group,
    GroupMembership,
    Guardianship,
    Person,
    Pupil,
    School,
    StaffAssignment,
    User,
)
from tests.ss12000_data import (
    FIRST_RUN,
    TODAY,
    civic,
    dataset,
    find,
    person,
    ref,
    uid,
    write_directory,
)

pytestmark = pytest.mark.django_db


def directory(path: Path, data: dict[str, list[dict[str, object]]]) -> Path:
    path.mkdir()
    return write_directory(path, data)


def guardians_of(name: str) -> list[str]:
    pupil = Pupil.objects.get(person__external_id=uid(name))
    return sorted(
        Guardianship.objects.filter(pupil=pupil).values_list("guardian__given_name", flat=True)
    )


def members_of(name: str) -> list[str]:
    group = Group.objects.get(external_id=uid(name))
    return sorted(
        GroupMembership.objects.filter(group=group).values_list(
            "pupil__person__given_name", flat=True
        )
    )


def test_a_group_without_school_type_takes_its_members_form():
    # given
    data = dataset()
    del find(data, "groups", "3a")["schoolType"]
    del find(data, "groups", "humlan")["schoolType"]

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.as_table() == FIRST_RUN
    assert dict(Group.objects.values_list("name", "school_form")) == {
        "3A": "GR",
        "Avdelning Humlan": "FS",  # no members in the groups; Solrosen's only form
    }


def test_a_duty_whose_assignment_role_is_a_string_keeps_the_duty():
    # given
    data = dataset()
    find(data, "duties", "d-mats")["assignmentRole"] = "Mentor"

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert [(str(r), r.level) for r in report.rejections] == [
        (
            (
                f"duties {uid('d-mats')}: assignmentRole: 'Mentor' names no group "
                "(expected {group, assignmentRoleType})"
            ),
            "relation",
        )
    ]
    assert report.as_table() == {**FIRST_RUN, "assignments": (1, 0, 0)}
    assert Duty.objects.filter(external_id=uid("d-mats")).count() == 1


def test_an_organisation_without_a_type_is_a_school_unit_by_its_code():
    # given: Skolverket's DNP bodies send no organisationType
    data = dataset()
    del find(data, "organisations", "bjorkskolan")["organisationType"]

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.as_table() == FIRST_RUN
    assert [(r.reason, r.level) for r in report.rejections] == [
        ("organisationType is missing; read as Skolenhet", "field")
    ]


def test_the_specifications_collection_example_is_read_record_by_record(tmp_path):
    # given: PersonsExpanded's example in the 2.1.0 specification
    write_directory(tmp_path, {k: v for k, v in dataset().items() if k != "persons"})
    body = {"data": [None, None], "pageToken": "pageToken"}
    (tmp_path / "persons.json").write_text(json.dumps(body), encoding="utf-8")

    # when
    report = import_dataset(load_dataset(tmp_path), today=TODAY)

    # then
    assert [str(r) for r in report.rejections[:2]] == [
        "persons (no id): the record is not an object",
        "persons (no id): the record is not an object",
    ]
    assert report.incomplete == ["persons"]
    assert report.counts["schools"].created == 2


def test_dates_with_a_time_are_instants_on_the_schools_day():
    # given: midnight on 18 August in Sweden, written in UTC
    data = dataset()
    find(data, "groups", "3a")["startDate"] = "2026-08-14T22:00:00Z"
    for membership in find(data, "groups", "3a")["groupMemberships"]:
        membership["startDate"] = "2026-08-14T22:00:00.000Z"
    find(data, "duties", "d-mats")["assignmentRole"][0]["startDate"] = "2026-08-15T00:00:00+02:00"
    placement = data["placements"][0]
    placement["startDate"] = "2023-07-31T22:00:00Z"

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.rejections == []
    assert report.as_table() == FIRST_RUN
    assert Group.objects.get(external_id=uid("3a")).start_date == dt.date(2026, 8, 15)
    assert set(
        GroupMembership.objects.filter(group__external_id=uid("3a")).values_list(
            "start_date", flat=True
        )
    ) == {dt.date(2026, 8, 15)}
    mats = StaffAssignment.objects.get(staff__external_id=uid("mats"))
    assert mats.start_date == dt.date(2026, 8, 15)
    nils = GroupMembership.objects.get(pupil__person__external_id=uid("nils"))
    assert nils.start_date == dt.date(2023, 8, 1)
    assert guardians_of("nils") == ["Karin"]


def test_a_byte_order_mark_is_skipped(tmp_path):
    # given
    write_directory(tmp_path, dataset())
    file = tmp_path / "persons.json"
    file.write_text("\ufeff" + file.read_text(encoding="utf-8"), encoding="utf-8")

    # when
    report = import_dataset(load_dataset(tmp_path), today=TODAY)

    # then
    assert report.as_table() == FIRST_RUN


def test_what_the_standard_does_not_require_drops_no_one():
    # given
    data = dataset()
    find(data, "persons", "karin")["eduPersonPrincipalNames"] = []
    del find(data, "persons", "alva")["enrolments"][0]["schoolYear"]
    elis = find(data, "persons", "elis")["enrolments"][0]
    elis |= {"schoolType": "GY", "schoolYear": 1}  # upper secondary, no educationCode
    find(data, "persons", "per")["civicNo"]["value"] = "8309119960"  # ten digits
    find(data, "persons", "tove")["civicNo"]["value"] = civic("19800101", 984)[:-1] + "0"

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.totals["rejected"] == 0
    assert report.as_table() == {**FIRST_RUN, "accounts": (6, 0, 0)}
    assert guardians_of("alva") == ["Greta", "Karin", "Per"]
    assert Pupil.objects.get(person__external_id=uid("alva")).school_year is None
    elis = Pupil.objects.get(person__external_id=uid("elis"))
    assert (elis.school_form, elis.school_year) == ("GY", 1)
    assert StaffAssignment.objects.filter(staff__external_id=uid("tove")).count() == 1


def test_a_duty_at_a_school_is_a_duty_at_each_of_its_units():
    # given: Björkskolan is a Skola with two school units
    data = dataset()
    skola = find(data, "organisations", "bjorkskolan")
    data["organisations"] += [
        {
            "id": uid("bjork-f6"),
            "displayName": "Björkskolan F-6",
            "organisationType": "Skolenhet",
            "schoolUnitCode": "99990011",
            "schoolTypes": ["GR"],
            "parentOrganisation": ref("bjorkskolan-skola"),
        },
        {
            "id": uid("bjorkskolan-skola"),
            "displayName": "Björkskolan (skola)",
            "organisationType": "Skola",
            "parentOrganisation": ref("kommun"),
        },
    ]
    skola["parentOrganisation"] = ref("bjorkskolan-skola")
    rektor = person("rut", "Rut", "Rektor", civic("19700303", 981))
    data["persons"].append(rektor)
    data["duties"].append(
        {
            "id": uid("d-rut"),
            "person": ref("rut"),
            "dutyAt": ref("bjorkskolan-skola"),
            "dutyRole": "Rektor",
        }
    )

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.rejections == []
    duties = Duty.objects.filter(person__external_id=uid("rut"))
    assert sorted(duties.values_list("school__school_unit_code", "role")) == [
        ("99990001", "Rektor"),
        ("99990011", "Rektor"),
    ]


def test_embedded_objects_are_read_as_the_records_they_stand_for():
    # given: persons and groups paged with expand, the relations only under _embedded
    data = dataset()
    for name in ("alva", "elis"):
        find(data, "persons", name)["responsibles"] = []
    find(data, "persons", "karin")["_embedded"] = {
        "responsibleFor": [
            {"person": ref("alva"), "relationType": "Vårdnadshavare"},
            {"person": ref("elis"), "relationType": "Vårdnadshavare"},
        ],
    }
    find(data, "persons", "elis")["_embedded"] = {
        "groupMemberships": [{"group": {"id": uid("3a")}, "startDate": "2026-08-15"}]
    }
    find(data, "groups", "3a")["groupMemberships"] = [
        {"person": ref("alva"), "startDate": "2026-08-15"}
    ]
    find(data, "duties", "d-mats")["assignmentRole"] = []
    find(data, "groups", "3a")["_embedded"] = {
        "assignmentRoles": [
            {"duty": ref("d-mats"), "assignmentRoleType": "Mentor", "startDate": "2026-08-15"}
        ]
    }

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.rejections == []
    assert guardians_of("alva") == ["Karin"]
    assert guardians_of("elis") == ["Karin"]
    assert members_of("3a") == ["Alva", "Elis"]
    mats = StaffAssignment.objects.get(staff__external_id=uid("mats"))
    assert (mats.role, mats.group.name) == ("mentor", "3A")


def test_placement_owners_are_the_childs_guardians_when_no_responsibles_are_named():
    # given
    data = dataset()
    find(data, "persons", "nils")["responsibles"] = []

    # when
    import_dataset(data, today=TODAY)

    # then
    owner = Guardianship.objects.get(pupil__person__external_id=uid("nils"))
    assert (owner.guardian.given_name, owner.relation_type) == ("Karin", "Vårdnadshavare")


def test_a_repeated_id_is_rejected_and_the_first_record_read():
    # given
    data = dataset()
    twin = {**find(data, "persons", "elis"), "givenName": "Elias"}
    data["persons"].append(twin)

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert [str(r) for r in report.rejections] == [
        f"persons {uid('elis')}: the id is repeated; its first record is read"
    ]
    assert Person.objects.get(external_id=uid("elis")).given_name == "Elis"


@pytest.mark.parametrize(
    ("school_type", "form"), [("GRS", "GRS"), ("SP", "SP"), ("SAM", "SAM"), ("TR", "GRS")]
)
def test_pupils_of_every_compulsory_form_are_pupils_and_their_classes_imported(school_type, form):
    # given
    data = dataset()
    find(data, "organisations", "bjorkskolan")["schoolTypes"] = ["GR", school_type]
    for name in ("alva", "elis"):
        find(data, "persons", name)["enrolments"][0]["schoolType"] = school_type
    find(data, "groups", "3a")["schoolType"] = school_type

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.rejections == []
    assert report.as_table() == FIRST_RUN
    alva = Pupil.objects.get(person__external_id=uid("alva"))
    assert (alva.school_form, Group.objects.get(external_id=uid("3a")).school_form) == (
        form,
        form,
    )


def test_a_teacher_with_its_own_start_ends_with_the_activity():
    # given
    data = dataset()
    activity = data["activities"][0]
    activity["endDate"] = "2027-01-15"
    activity["teachers"][0]["startDate"] = "2026-09-01"

    # when
    import_dataset(data, today=TODAY)

    # then
    tove = StaffAssignment.objects.get(staff__external_id=uid("tove"))
    assert (tove.start_date, tove.end_date) == (dt.date(2026, 9, 1), dt.date(2027, 1, 15))


def test_a_first_page_with_a_page_token_ends_nothing(tmp_path):
    # given
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    persons = data.pop("persons")
    write_directory(tmp_path, data)
    page = {"data": persons[:3], "pageToken": "next-page"}
    (tmp_path / "persons.json").write_text(json.dumps(page), encoding="utf-8")

    # when
    report = import_dataset(load_dataset(tmp_path), today=TODAY)

    # then
    assert report.incomplete == ["persons"]
    assert report.counts["guardianships"].ended == 0
    assert Guardianship.objects.filter(end_date__isnull=False).count() == 0


def test_every_page_of_a_folder_makes_the_collection_whole(tmp_path):
    # given
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    persons = [p for p in data.pop("persons") if p["id"] != uid("greta")]
    find({"persons": persons}, "persons", "alva")["responsibles"].pop()  # Greta's
    write_directory(tmp_path, data)
    (tmp_path / "persons").mkdir()
    for number, start in enumerate(range(0, len(persons), 3), start=1):
        last = start + 3 >= len(persons)
        page = {"data": persons[start : start + 3], "pageToken": None if last else f"p{number}"}
        (tmp_path / "persons" / f"page-{number}.json").write_text(json.dumps(page), "utf-8")

    # when
    report = import_dataset(load_dataset(tmp_path), today=TODAY)

    # then
    assert report.incomplete == []
    assert report.counts["guardianships"].ended == 1
    assert report.counts["persons"].created == 0


def test_a_run_that_would_end_too_much_writes_nothing(settings):
    # given: a delta of one person and one group, taken for a snapshot
    settings.IMPORT_MASS_END_MIN = 2
    import_dataset(dataset(), today=TODAY)
    delta = {
        "persons": [find(dataset(), "persons", "alva")],
        "groups": [find(dataset(), "groups", "3a")],
    }

    # when
    with pytest.raises(MassEnd) as stop:
        import_dataset(delta, today=TODAY, allow_mass_end=False)

    # then
    assert stop.value.kinds == {"guardianships": (3, 6)}
    assert Guardianship.objects.filter(end_date__isnull=False).count() == 0
    assert Group.objects.filter(end_date__isnull=False).count() == 0


def test_the_command_refuses_a_mass_end_and_writes_the_report(settings, tmp_path):
    # given
    settings.IMPORT_MASS_END_MIN = 2
    import_dataset(dataset(), today=TODAY)
    directory(tmp_path / "delta", {"persons": [find(dataset(), "persons", "alva")]})

    # when
    with pytest.raises(CommandError) as error:
        call_command("import_ss12000", str(tmp_path / "delta"), "--report", str(tmp_path / "run"))

    # then
    assert str(error.value).startswith("The import would end guardianships 3 of 6 open rows")
    assert json.loads((tmp_path / "run.json").read_text("utf-8"))["counts"]["guardianships"] == {
        "created": 0,
        "updated": 0,
        "ended": 3,
        "open": 6,
    }
    assert Guardianship.objects.filter(end_date__isnull=False).count() == 0


def test_a_dry_run_prints_what_would_change_and_writes_nothing(tmp_path, capsys):
    # given
    directory(tmp_path / "data", dataset())

    # when
    call_command(
        "import_ss12000", str(tmp_path / "data"), "--dry-run", "--report", str(tmp_path / "run")
    )

    # then
    out = capsys.readouterr().out
    assert "persons                9        0        0" in out
    assert "Dry run: nothing was written." in out
    assert (Person.objects.count(), School.objects.count(), User.objects.count()) == (0, 0, 0)


def test_the_report_file_lists_every_fault_grouped_by_reason(tmp_path):
    # given: 60 members who are not pupils, more than the command prints
    data = dataset()
    strangers = [person(f"s{n}", "S", "Okänd", civic("19900101", 980 + n % 20)) for n in range(60)]
    for stranger in strangers:
        stranger.pop("civicNo")
    data["persons"] += strangers
    find(data, "groups", "3a")["groupMemberships"] += [
        {"person": {"id": s["id"]}} for s in strangers
    ]
    directory(tmp_path / "data", data)

    # when
    call_command(
        "import_ss12000",
        str(tmp_path / "data"),
        "--today",
        "2026-11-23",
        "--report",
        str(tmp_path / "run"),
    )

    # then
    report = json.loads((tmp_path / "run.json").read_text("utf-8"))
    faults = {reason: len(items) for reason, items in report["faults"].items()}
    assert faults == {"groups (relation): member <id> is not a pupil": 60}
    assert report["collections"]["groups"] == {
        "records": 3,
        "rejected": 0,
        "skipped": 1,
        "relations dropped": 60,
        "fields dropped": 0,
    }
    text = (tmp_path / "run.txt").read_text("utf-8")
    assert all(s["id"] in text for s in strangers)


def test_a_delta_since_a_time_ends_only_what_is_named_deleted(tmp_path, capsys):
    # given: the whole register once, then a delta of one changed person and one deleted group
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    find(data, "persons", "elis")["givenName"] = "Elias"
    find(data, "persons", "elis")["meta"] = {"modified": "2026-11-22T10:00:00Z"}
    for record in data["persons"]:
        record.setdefault("meta", {"modified": "2026-09-01T10:00:00Z"})
    delta = directory(tmp_path / "delta", {"persons": data["persons"]})
    deleted = {"data": {"groups": [uid("humlan")], "activitites": []}}
    (delta / "deletedEntities.json").write_text(json.dumps(deleted), encoding="utf-8")

    # when
    call_command(
        "import_ss12000", str(delta), "--today", "2026-11-23", "--since", "2026-11-01T00:00:00"
    )

    # then
    out = capsys.readouterr().out
    assert "Delta after 2026-11-01 00:00:00+0100: 8 records unchanged since then" in out
    assert "persons                0        1        0" in out
    assert "guardianships          0        0        0" in out
    assert "groups                 0        0        1" in out
    assert Person.objects.get(external_id=uid("elis")).given_name == "Elias"
    assert Guardianship.objects.filter(end_date__isnull=False).count() == 0
    assert Group.objects.get(external_id=uid("humlan")).end_date == dt.date(2026, 11, 22)
