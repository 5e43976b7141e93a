from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.importers.source import load_dataset
from core.importers.ss12000 import import_dataset
from core.models import (
    Group,
    GroupMembership,
    Guardianship,
    Person,
    Pupil,
    StaffAssignment,
    User,
)
from tests.ss12000_data import (
    FIRST_RUN,
    NOTHING,
    TODAY,
    civic,
    dataset,
    find,
    uid,
    write_directory,
)

pytestmark = pytest.mark.django_db


def test_first_import_creates_every_row():
    # given
    data = dataset()

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.as_table() == FIRST_RUN
    assert report.rejections == []


def test_second_import_of_the_same_data_writes_nothing():
    # given
    import_dataset(dataset(), today=TODAY)

    # when
    with CaptureQueriesContext(connection) as queries:
        report = import_dataset(dataset(), today=TODAY)

    # then
    assert report.as_table() == NOTHING
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


def test_changed_fields_are_updated():
    # given
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    find(data, "persons", "elis")["givenName"] = "Elias"
    find(data, "groups", "3a")["displayName"] = "3A Björk"

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.as_table() == {**NOTHING, "persons": (0, 1, 0), "groups": (0, 1, 0)}
    assert Person.objects.get(external_id=uid("elis")).given_name == "Elias"
    assert Group.objects.get(external_id=uid("3a")).name == "3A Björk"


def test_relations_gone_from_the_source_end_yesterday_and_come_back():
    # given
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    find(data, "groups", "3a")["groupMemberships"].pop()  # Elis leaves 3A
    find(data, "persons", "alva")["responsibles"].pop()  # Greta no longer God man
    data["duties"][1]["assignmentRole"] = []  # Mats stops mentoring

    # when
    ended = import_dataset(data, today=TODAY)
    restored = import_dataset(dataset(), today=TODAY + dt.timedelta(days=7))

    # then
    assert ended.as_table() == {
        **NOTHING,
        "guardianships": (0, 0, 1),
        "memberships": (0, 0, 1),
        "assignments": (0, 0, 1),
    }
    assert restored.as_table() == {
        **NOTHING,
        "guardianships": (0, 1, 0),
        "memberships": (0, 1, 0),
        "assignments": (0, 1, 0),
    }
    assert GroupMembership.objects.filter(end_date__isnull=False).count() == 0
    assert Pupil.objects.count() == 3


def test_an_ended_relation_keeps_its_row_with_the_last_day():
    # given
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    find(data, "groups", "3a")["groupMemberships"].pop()

    # when
    import_dataset(data, today=TODAY)

    # then
    elis = GroupMembership.objects.get(pupil__person__external_id=uid("elis"))
    assert elis.end_date == dt.date(2026, 11, 22)
    assert GroupMembership.objects.count() == 3


def test_a_group_gone_from_the_source_is_ended_with_its_rows_kept():
    # given
    import_dataset(dataset(), today=TODAY)
    data = dataset()
    data["groups"] = [g for g in data["groups"] if g["id"] != uid("humlan")]
    data["placements"] = []

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert report.as_table() == {**NOTHING, "groups": (0, 0, 1), "memberships": (0, 0, 1)}
    assert Group.objects.get(external_id=uid("humlan")).end_date == dt.date(2026, 11, 22)


def test_a_bad_field_drops_the_field_and_a_bad_record_only_itself():
    # given
    data = dataset()
    find(data, "persons", "per")["civicNo"]["value"] = "198309119960"  # wrong check digit
    find(data, "persons", "tove")["securityMarking"] = "Hemlig"
    data["groups"].append(
        {
            "id": "not-a-uuid",
            "displayName": "X",
            "groupType": "Klass",
            "schoolType": "GR",
            "organisation": {"id": uid("bjorkskolan")},
        }
    )

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert [(str(r), r.level) for r in report.rejections] == [
        (
            (
                f"persons {uid('per')}: civicNo: 19830911-**** fails the check digit; "
                "imported without it"
            ),
            "field",
        ),
        (
            (
                f"persons {uid('tove')}: securityMarking 'Hemlig' is unknown; "
                "imported as protected identity"
            ),
            "field",
        ),
        ("groups not-a-uuid: id: 'not-a-uuid' is not a UUID", "record"),
    ]
    assert report.as_table() == FIRST_RUN
    assert report.totals == {"created": 38, "updated": 0, "ended": 0, "rejected": 1}
    per = Person.objects.get(external_id=uid("per"))
    assert (per.civic_no, per.guardianships.count()) == (None, 2)
    tove = Person.objects.get(external_id=uid("tove"))
    assert (tove.security_marking, tove.staff_assignments.count()) == ("Skyddad folkbokföring", 1)


def test_an_identity_number_is_stored_once():
    # given
    data = dataset()
    find(data, "persons", "greta")["civicNo"]["value"] = civic("19850402", 980)  # Karin's

    # when
    report = import_dataset(data, today=TODAY)

    # then
    assert [(r.reason, r.level) for r in report.rejections] == [
        (f"civicNo is already the identity number of person {uid('karin')}", "field"),
    ]
    assert Person.objects.filter(civic_no=civic("19850402", 980)).count() == 1
    assert Person.objects.get(external_id=uid("greta")).civic_no is None


def test_protected_identity_is_imported_without_address():
    # given
    data = dataset()
    find(data, "persons", "karin")["securityMarking"] = "Skyddad folkbokföring"

    # when
    import_dataset(data, today=TODAY)

    # then
    karin = Person.objects.get(external_id=uid("karin"))
    assert (karin.has_protected_identity, karin.street_address, karin.postal_code) == (
        True,
        "",
        "",
    )
    assert karin.alias.startswith("Skyddad ")


def test_imported_roster_has_the_right_relations():
    # given
    data = dataset()

    # when
    import_dataset(data, today=TODAY)

    # then
    greta = Guardianship.objects.get(guardian__external_id=uid("greta"))
    assert greta.relation_type == "God man"
    nils = Pupil.objects.filter(person__external_id=uid("nils"))
    assert list(nils.values_list("school_form", "school__name", "school_year")) == [
        ("FS", "Solrosens förskola", None)
    ]
    tove = StaffAssignment.objects.filter(staff__external_id=uid("tove"))
    assert list(tove.values_list("role", "subject__name", "group__name")) == [
        ("teacher", "Matematik", "3A")
    ]
    mats = StaffAssignment.objects.get(staff__external_id=uid("mats"))
    assert (mats.role, mats.subject, mats.start_date) == ("mentor", None, dt.date(2026, 8, 15))
    assert Group.objects.get(external_id=uid("3a")).school_year == 3
    assert sorted(User.objects.values_list("username", flat=True))[:2] == [
        "alva@elev.exempelby.example.com",
        "elis@elev.exempelby.example.com",
    ]
    assert not User.objects.get(username="alva@elev.exempelby.example.com").has_usable_password()


def test_command_reads_a_directory_and_prints_counts(tmp_path, capsys):
    # given
    write_directory(tmp_path, dataset())

    # when
    call_command("import_ss12000", str(tmp_path), "--today", "2026-11-23")

    # then
    out = capsys.readouterr().out
    assert "persons                9        0        0" in out
    assert "Total: 38 created, 0 updated, 0 ended, 0 rejected." in out


def test_a_single_file_with_every_collection_is_read(tmp_path):
    # given
    file = tmp_path / "all.json"
    file.write_text(json.dumps(dataset()), encoding="utf-8")

    # when
    report = import_dataset(load_dataset(file), today=TODAY)

    # then
    assert report.as_table() == FIRST_RUN


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json",
            "is not valid JSON (Expecting property name enclosed in double quotes at line 1).",
        ),
        ('{"data": {"id": 1}}', "persons must be an array."),
        ('"persons"', "expected an object with a 'data' array of persons."),
    ],
)
def test_a_file_that_is_not_ss12000_stops_the_run_and_writes_nothing(tmp_path, content, message):
    # given
    write_directory(tmp_path, {k: v for k, v in dataset().items() if k != "persons"})
    (tmp_path / "persons.json").write_text(content, encoding="utf-8")

    # when
    with pytest.raises(CommandError) as error:
        call_command("import_ss12000", str(tmp_path))

    # then
    assert str(error.value) == f"Nothing imported: {tmp_path / 'persons.json'}: {message}"
    assert (Person.objects.count(), Group.objects.count()) == (0, 0)


def test_a_directory_without_collections_is_refused(tmp_path):
    # when
    with pytest.raises(CommandError) as error:
        call_command("import_ss12000", str(tmp_path))

    # then
    assert "holds none of the SS 12000 collection files" in str(error.value)
