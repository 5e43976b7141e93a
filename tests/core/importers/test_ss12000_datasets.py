"""Datasets in the shapes others write (tests/data/ss12000/), each with its exact counts.

- skolverket-dnp: Skolverket's DNP request bodies, `{"persons": [...]}`, a
  school unit with no organisation tree and no organisationType, an
  assignmentRole that is a string, a teacher's bad check digit, an
  enrolment without schoolYear;
- specification-examples: the example objects of the SS 12000 2.1.0
  specification, placeholders and nulls as generated;
- mock-server-pages: paged out of a mock server with `expand`: a folder of
  pages, `_embedded` relations, instants in UTC, groups without
  schoolType, a preschool placement with owners;
- client-test-bodies.json: one file of paged collections with a
  byte-order mark, a repeated id, anpassad grundskola and a duty at a
  school above two school units.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.importers.source import load_dataset
from core.importers.ss12000 import import_dataset
from core.models import Duty, GroupMembership, Guardianship, Pupil, StaffAssignment

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "data" / "ss12000"
TODAY = dt.date(2026, 11, 23)


def imported(name: str) -> tuple[dict[str, tuple[int, int, int]], list[tuple[str, str, str]]]:
    report = import_dataset(load_dataset(DATA / name), today=TODAY)
    table = {kind: row for kind, row in report.as_table().items() if row != (0, 0, 0)}
    faults = [(r.collection, r.level, r.reason) for r in report.rejections]
    return table, faults


def test_skolverkets_dnp_bodies():
    # when
    table, faults = imported("skolverket-dnp")

    # then
    assert table == {
        "organisations": (1, 0, 0),  # Okänd huvudman 9999
        "schools": (1, 0, 0),
        "subjects": (1, 0, 0),
        "persons": (4, 0, 0),
        "accounts": (4, 0, 0),
        "pupils": (3, 0, 0),
        "groups": (1, 0, 0),
        "memberships": (3, 0, 0),
        "duties": (1, 0, 0),
        "assignments": (1, 0, 0),
    }
    assert faults == [
        ("organisations", "field", "organisationType is missing; read as Skolenhet"),
        (
            "organisations",
            "field",
            (
                "no Huvudman above this school unit (parentOrganisation); "
                "placed under Okänd huvudman 9999"
            ),
        ),
        ("persons", "field", "civicNo: 19790101-**** fails the check digit; imported without it"),
        (
            "duties",
            "relation",
            "assignmentRole: 'Mentor' names no group (expected {group, assignmentRoleType})",
        ),
    ]
    otto = Pupil.objects.select_related("school__organisation").get(person__given_name="Otto")
    assert (otto.school_form, otto.school_year, otto.school and otto.school.organisation.name) == (
        "GR",
        None,
        "Okänd huvudman 9999",
    )
    lena = StaffAssignment.objects.get(staff__given_name="Lena")
    assert (lena.role, lena.subject and lena.subject.name, lena.group.name) == (
        "teacher",
        "Matematik",
        "6A",
    )


def test_the_specifications_examples():
    # when
    table, faults = imported("specification-examples")

    # then
    assert table == {}
    assert faults == [
        ("organisations", "field", "organisationType is missing; read as Skolenhet"),
        (
            "organisations",
            "record",
            "schoolUnitCode 'schoolUnitCode' is not Skolverket's eight digits",
        ),
        ("persons", "record", "the record is not an object"),
        ("persons", "record", "the record is not an object"),
        ("groups", "record", "groupType is required; organisation is required"),
        ("activities", "record", "organisation is required"),
    ]


def test_pages_of_a_mock_server():
    # when
    table, faults = imported("mock-server-pages")

    # then
    assert table == {
        "organisations": (1, 0, 0),
        "schools": (2, 0, 0),
        "persons": (7, 0, 0),
        "accounts": (1, 0, 0),
        "pupils": (4, 0, 0),
        "guardianships": (5, 0, 0),
        "groups": (2, 0, 0),
        "memberships": (4, 0, 0),
        "duties": (1, 0, 0),
        "assignments": (1, 0, 0),
    }
    assert faults == []
    alma = GroupMembership.objects.get(pupil__person__given_name="Alma")
    assert (alma.group.name, alma.group.school_form, alma.start_date) == (
        "5B",
        "GR",
        dt.date(2025, 8, 18),
    )
    ebbe = Guardianship.objects.filter(pupil__person__given_name="Ebbe")
    assert sorted(ebbe.values_list("guardian__given_name", "relation_type")) == [
        ("Jon", "Vårdnadshavare"),
        ("Maja", "Vårdnadshavare"),
    ]
    kim = StaffAssignment.objects.get(staff__given_name="Kim")
    assert (kim.role, kim.group.name, kim.start_date) == ("mentor", "5B", dt.date(2025, 8, 18))


def test_an_ss12000_clients_test_bodies():
    # when
    table, faults = imported("client-test-bodies.json")

    # then
    assert table == {
        "organisations": (1, 0, 0),
        "schools": (2, 0, 0),
        "persons": (3, 0, 0),
        "accounts": (1, 0, 0),
        "pupils": (1, 0, 0),
        "guardianships": (1, 0, 0),
        "groups": (1, 0, 0),
        "memberships": (1, 0, 0),
        "duties": (2, 0, 0),
    }
    assert [f[:2] for f in faults] == [("persons", "record")]
    leo = Pupil.objects.get(person__given_name="Leo")
    assert (leo.school_form, leo.school_year) == ("GRS", 8)
    assert sorted(Duty.objects.values_list("school__name", "role")) == [
        ("Ekskolan anpassad grundskola", "Rektor"),
        ("Ekskolan grundskola", "Rektor"),
    ]
