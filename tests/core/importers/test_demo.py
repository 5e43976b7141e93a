"""The synthetic Exempelby dataset: shape, identity numbers, references and logins."""

from __future__ import annotations

import datetime as dt
import functools
import json
import random
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest

from core.identity import parse_civic_number
from core.importers.demo import DemoDataset, _civic_no, _Context, build_dataset, write_dataset

if TYPE_CHECKING:
    from pathlib import Path

Record = dict[str, Any]

TODAY = dt.date(2026, 3, 2)  # school year 2025/26 started 2025-08-15
COLLECTIONS = [
    "organisations",
    "syllabuses",
    "persons",
    "groups",
    "duties",
    "activities",
    "placements",
]


@functools.cache
def _dataset(pupils: int = 200) -> DemoDataset:
    return build_dataset(pupils=pupils, today=TODAY)


def _records(dataset: DemoDataset, collection: str) -> list[Record]:
    return dataset.collections[collection]


def _ids(records: list[Record]) -> set[str]:
    return {record["id"] for record in records}


def _unit_id(dataset: DemoDataset, name: str) -> str:
    [unit] = [o for o in _records(dataset, "organisations") if o["displayName"] == name]
    return str(unit["id"])


def _school_unit_ids(dataset: DemoDataset) -> set[str]:
    organisations = _records(dataset, "organisations")
    return {o["id"] for o in organisations if o["organisationType"] == "Skolenhet"}


def _group_ids(dataset: DemoDataset, group_type: str) -> set[str]:
    return {g["id"] for g in _records(dataset, "groups") if g["groupType"] == group_type}


def _eppns(person: Record) -> list[str]:
    return list(person.get("eduPersonPrincipalNames", []))


def _login_person(dataset: DemoDataset, role: str) -> Record:
    [login] = [login for login in dataset.logins if login.role == role]
    [person] = [p for p in _records(dataset, "persons") if _eppns(p)[:1] == [login.username]]
    return person


def _duty(dataset: DemoDataset, person: Record) -> Record:
    [duty] = [d for d in _records(dataset, "duties") if d["person"]["id"] == person["id"]]
    return duty


def _class_of(dataset: DemoDataset, pupil: Record) -> Record:
    [group] = [
        g
        for g in _records(dataset, "groups")
        if pupil["id"] in {m["person"]["id"] for m in g.get("groupMemberships", [])}
    ]
    return group


def _teacher_duties(dataset: DemoDataset, group: Record) -> set[str]:
    return {
        teacher["duty"]["id"]
        for activity in _records(dataset, "activities")
        if activity["groups"][0]["id"] == group["id"]
        for teacher in activity["teachers"]
    }


def _custodian_ids(pupil: Record) -> list[str]:
    return [
        r["person"]["id"] for r in pupil["responsibles"] if r["relationType"] == "Vårdnadshavare"
    ]


def _pupils(dataset: DemoDataset) -> list[Record]:
    children = {p["child"]["id"] for p in _records(dataset, "placements")}
    persons = _records(dataset, "persons")
    return [p for p in persons if "enrolments" in p or p["id"] in children]


def _guardians(dataset: DemoDataset) -> list[Record]:
    persons = _records(dataset, "persons")
    return [p for p in persons if _eppns(p)[0:1] and "@vh." in _eppns(p)[0]]


def _civic_numbers(dataset: DemoDataset) -> list[str]:
    return [p["civicNo"]["value"] for p in _records(dataset, "persons")]


def _age(birth_date: str) -> int:
    born = dt.date.fromisoformat(birth_date)
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


# -- determinism and size -------------------------------------------------------


def test_same_arguments_give_identical_datasets():
    # given
    first = build_dataset(pupils=200, seed=7, today=TODAY)

    # when
    second = build_dataset(pupils=200, seed=7, today=TODAY)

    # then
    assert json.dumps(first.collections, ensure_ascii=False) == json.dumps(
        second.collections, ensure_ascii=False
    )
    assert first.logins == second.logins


def test_another_seed_gives_other_people():
    # given
    first = build_dataset(pupils=200, seed=1, today=TODAY)

    # when
    second = build_dataset(pupils=200, seed=2, today=TODAY)

    # then
    assert _civic_numbers(first) != _civic_numbers(second)


@pytest.mark.parametrize("pupils", [20, 200, 1000])
def test_pupil_count_is_the_number_asked_for(pupils: int):
    # given
    dataset = _dataset(pupils)

    # when
    found = _pupils(dataset)

    # then
    assert len(found) == pupils


def test_fewer_than_twenty_pupils_is_refused():
    # given
    pupils = 19

    # when / then
    with pytest.raises(ValueError, match="at least 20"):
        build_dataset(pupils=pupils, today=TODAY)


def test_fifteen_percent_are_preschool_children():
    # given
    dataset = _dataset(1000)

    # when
    placements = _records(dataset, "placements")

    # then
    assert len(placements) == 150


def test_every_record_has_meta_from_today():
    # given
    dataset = _dataset()

    # when
    metas = [record["meta"] for records in dataset.collections.values() for record in records]

    # then
    assert {json.dumps(meta, sort_keys=True) for meta in metas} == {
        '{"created": "2026-03-02T00:00:00Z", "modified": "2026-03-02T00:00:00Z"}'
    }


def test_all_ids_are_unique_uuids():
    # given
    dataset = _dataset()

    # when
    ids = [record["id"] for records in dataset.collections.values() for record in records]

    # then
    assert len(set(ids)) == len(ids)
    assert all(
        re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", i)
        for i in ids
    )


# -- organisations and syllabuses ----------------------------------------------


def test_organisations_are_one_municipality_with_three_school_units():
    # given
    dataset = _dataset()

    # when
    organisations = [
        (o["displayName"], o["organisationType"], o.get("schoolTypes"))
        for o in _records(dataset, "organisations")
    ]

    # then
    assert organisations == [
        ("Exempelby kommun", "Huvudman", None),
        ("Solrosens förskola", "Skolenhet", ["FS"]),
        ("Björkskolan", "Skolenhet", ["FKLASS", "GR", "FTH"]),
        ("Ekskolan", "Skolenhet", ["GR"]),
    ]


def test_school_units_belong_to_the_municipality_and_have_fictional_codes():
    # given
    dataset = _dataset()
    owner = _unit_id(dataset, "Exempelby kommun")

    # when
    units = [o for o in _records(dataset, "organisations") if o["organisationType"] == "Skolenhet"]

    # then
    assert [u["parentOrganisation"]["id"] for u in units] == [owner, owner, owner]
    assert len({u["schoolUnitCode"] for u in units}) == 3
    assert all(re.fullmatch(r"9999\d{4}", u["schoolUnitCode"]) for u in units)
    assert {u["municipalityCode"] for u in units} == {"9999"}


def test_syllabuses_are_compulsory_school_subjects():
    # given
    dataset = _dataset()

    # when
    syllabuses = [
        (s["subjectCode"], s["subjectName"], s["schoolType"])
        for s in _records(dataset, "syllabuses")
    ]

    # then
    assert syllabuses == [
        ("SV", "Svenska", "GR"),
        ("MA", "Matematik", "GR"),
        ("EN", "Engelska", "GR"),
        ("BI", "Biologi", "GR"),
        ("HI", "Historia", "GR"),
        ("IDH", "Idrott och hälsa", "GR"),
        ("BL", "Bild", "GR"),
        ("MU", "Musik", "GR"),
    ]


# -- identity numbers -----------------------------------------------------------


def test_every_civic_number_is_a_valid_personnummer_for_the_birth_date():
    # given
    persons = _records(_dataset(1000), "persons")

    # when
    parsed = [parse_civic_number(p["civicNo"]["value"]) for p in persons]

    # then
    assert [c.value for c in parsed] == [p["civicNo"]["value"] for p in persons]
    assert [c.birth_date.isoformat() for c in parsed] == [p["birthDate"] for p in persons]


def test_civic_numbers_are_unique():
    # given
    dataset = _dataset(1000)

    # when
    numbers = _civic_numbers(dataset)

    # then
    assert len(set(numbers)) == len(numbers)


def test_birth_numbers_are_from_skatteverkets_test_range():
    # given
    dataset = _dataset(1000)

    # when
    birth_numbers = {int(number[8:11]) for number in _civic_numbers(dataset)}

    # then
    assert birth_numbers - set(range(980, 1000)) == set()


def test_birth_number_parity_follows_sex():
    # given
    persons = _records(_dataset(1000), "persons")

    # when
    parity = {(int(p["civicNo"]["value"][10]) % 2, p["sex"]) for p in persons}

    # then
    assert parity == {(0, "Kvinna"), (1, "Man")}


def test_ten_thousand_pupils_keep_unique_numbers_and_consistent_years():
    # given: some 850 pupils a birth year, for 20 test numbers a day
    dataset = build_dataset(pupils=10_000, today=TODAY)

    # when
    numbers = _civic_numbers(dataset)
    enrolled = [p for p in _records(dataset, "persons") if "enrolments" in p]

    # then
    assert len(set(numbers)) == len(numbers)
    assert {int(p["birthDate"][:4]) + p["enrolments"][0]["schoolYear"] for p in enrolled} == {2019}


def test_a_full_birth_date_moves_to_the_next_day_of_the_same_year():
    # given: ten numbers per sex and day
    context = _Context(random.Random(1), TODAY, 2025)  # noqa: S311 (test data, not secrets)

    # when
    numbers = [_civic_no(context, dt.date(2019, 12, 31), "Man")[0] for _ in range(21)]

    # then
    assert [number[:8] for number in numbers] == ["20191231"] * 10 + ["20190101"] * 10 + [
        "20190102"
    ]
    assert sorted(int(number[8:11]) for number in numbers[:10]) == list(range(981, 1000, 2))


# -- pupils ---------------------------------------------------------------------


def test_birth_year_follows_school_year():
    # given
    persons = _records(_dataset(1000), "persons")

    # when
    enrolled = [p for p in persons if "enrolments" in p]

    # then: year y of 2025/26 was born in 2025 - 6 - y
    assert {int(p["birthDate"][:4]) + p["enrolments"][0]["schoolYear"] for p in enrolled} == {2019}


def test_enrolments_put_years_0_to_6_at_bjorkskolan_and_7_to_9_at_ekskolan():
    # given
    persons = _records(_dataset(20), "persons")

    # when
    enrolments = {
        (e["schoolYear"], e["schoolType"], e["enroledAt"]["displayName"])
        for p in persons
        for e in p.get("enrolments", [])
    }

    # then
    assert enrolments == {
        (0, "FKLASS", "Björkskolan"),
        *((year, "GR", "Björkskolan") for year in range(1, 7)),
        *((year, "GR", "Ekskolan") for year in range(7, 10)),
    }


def test_every_school_year_has_a_class_with_pupils_at_twenty_pupils():
    # given
    groups = _records(_dataset(20), "groups")

    # when
    classes = [
        g["displayName"] for g in groups if g["groupType"] == "Klass" and g["groupMemberships"]
    ]

    # then
    assert classes == ["FA", "1A", "2A", "3A", "4A", "5A", "6A", "7A", "8A", "9A"]


def test_classes_hold_at_most_25_pupils_and_every_pupil_is_in_one_class():
    # given
    dataset = _dataset(1000)
    classes = [g for g in _records(dataset, "groups") if g["groupType"] == "Klass"]

    # when
    members = [m["person"]["id"] for g in classes for m in g["groupMemberships"]]

    # then
    assert max(len(g["groupMemberships"]) for g in classes) <= 25
    assert sorted(members) == sorted(
        p["id"] for p in _records(dataset, "persons") if "enrolments" in p
    )


def test_class_names_follow_the_school_year():
    # given
    groups = _records(_dataset(1000), "groups")

    # when
    names = [g["displayName"] for g in groups if g["groupType"] == "Klass"]

    # then: 85 pupils a year make four classes
    assert names == [f"{year}{letter}" for year in ["F", *range(1, 10)] for letter in "ABCD"]


def test_preschool_children_are_aged_one_to_five_with_no_login_or_enrolment():
    # given
    dataset = _dataset(1000)
    children = {p["child"]["id"] for p in _records(dataset, "placements")}

    # when
    placed = [p for p in _records(dataset, "persons") if p["id"] in children]

    # then
    assert {_age(p["birthDate"]) for p in placed} - {1, 2, 3, 4, 5} == set()
    assert [p for p in placed if "enrolments" in p or "eduPersonPrincipalNames" in p] == []


def test_pupils_from_year_4_have_a_school_email():
    # given
    persons = _records(_dataset(200), "persons")

    # when
    emails = {
        (
            p["enrolments"][0]["schoolYear"],
            json.dumps(p.get("emails"))
            == json.dumps([{"value": _eppns(p)[0], "type": "Skola elev"}]),
        )
        for p in persons
        if "enrolments" in p
    }

    # then
    assert emails == {(year, year >= 4) for year in range(10)}


def test_school_pupils_sign_in_with_their_school_address():
    # given
    persons = _records(_dataset(200), "persons")

    # when
    pupil_eppns = [_eppns(p) for p in persons if "enrolments" in p]

    # then
    assert all(
        re.fullmatch(r"[a-z-]+\.[a-z-]+\d+@elev\.exempelby\.example\.com", e[0])
        for e in pupil_eppns
    )
    assert {len(e) for e in pupil_eppns} == {1}


def test_eduperson_principal_names_are_unique_and_ascii():
    # given
    persons = _records(_dataset(1000), "persons")

    # when
    names = [name for p in persons for name in _eppns(p)]

    # then
    assert len(set(names)) == len(names)
    assert all(
        re.fullmatch(r"[a-z-]+\.[a-z-]+\d+@([a-z]+\.)?exempelby\.example\.com", n) for n in names
    )


# -- guardians ------------------------------------------------------------------


def test_every_pupil_has_one_or_two_custodians_mostly_two():
    # given
    pupils = _pupils(_dataset(1000))

    # when
    counts = Counter(len(_custodian_ids(p)) for p in pupils)

    # then
    assert set(counts) == {1, 2}
    assert 650 <= counts[2] <= 850


def test_one_pupil_in_five_has_a_sibling_with_the_same_custodians_and_surname():
    # given
    pupils = _pupils(_dataset(1000))
    families = Counter(tuple(sorted(_custodian_ids(p))) for p in pupils)

    # when
    with_sibling = [p for p in pupils if families[tuple(sorted(_custodian_ids(p)))] == 2]
    surnames = Counter((*sorted(_custodian_ids(p)), p["familyName"]) for p in with_sibling)

    # then
    assert len(with_sibling) == 200
    assert set(surnames.values()) == {2}
    assert max(families.values()) == 2


def test_two_percent_have_a_third_responsible_who_is_not_a_custodian():
    # given
    pupils = _pupils(_dataset(1000))

    # when
    others = [
        r for p in pupils for r in p["responsibles"] if r["relationType"] != "Vårdnadshavare"
    ]

    # then
    assert len(others) == 20
    assert {r["relationType"] for r in others} == {"God man", "Annan ansvarig"}


def test_at_least_one_pupil_has_a_third_responsible_at_twenty_pupils():
    # given
    pupils = _pupils(_dataset(20))

    # when
    others = [
        r for p in pupils for r in p["responsibles"] if r["relationType"] != "Vårdnadshavare"
    ]

    # then
    assert len(others) == 1


def test_guardians_are_adults_with_home_contact_details():
    # given
    guardians = _guardians(_dataset(1000))
    unprotected = [g for g in guardians if g["securityMarking"] == "Ingen"]

    # when
    ages = {_age(g["birthDate"]) for g in guardians}

    # then
    assert ages - set(range(25, 56)) == set()
    assert {g["emails"][0]["type"] for g in guardians} == {"Privat"}
    assert all(g["emails"][0]["value"].endswith("@example.com") for g in guardians)
    assert {(g["phoneNumbers"][0]["type"], g["phoneNumbers"][0]["mobile"]) for g in guardians} == {
        ("Hem", True)
    }
    assert all(re.fullmatch(r"070-17406\d\d", g["phoneNumbers"][0]["value"]) for g in guardians)
    assert {(a["type"], a["locality"]) for g in unprotected for a in g["addresses"]} == {
        ("Folkbokföring", "Exempelby")
    }


# -- protected identities -------------------------------------------------------


def test_exactly_one_protected_pupil_and_one_protected_guardian_without_addresses():
    # given
    dataset = _dataset(200)
    pupils = _ids(_pupils(dataset))
    guardians = _ids(_guardians(dataset))

    # when
    protected = [p for p in _records(dataset, "persons") if p["securityMarking"] != "Ingen"]

    # then
    assert [(p["id"] in pupils, p["id"] in guardians) for p in protected] == [
        (True, False),
        (False, True),
    ]
    assert [p["securityMarking"] for p in protected] == ["Skyddad folkbokföring"] * 2
    assert [p.get("addresses") for p in protected] == [None, None]


def test_protected_people_are_not_login_people():
    # given
    dataset = _dataset(200)
    usernames = {login.username for login in dataset.logins}

    # when
    protected = [p for p in _records(dataset, "persons") if p["securityMarking"] != "Ingen"]

    # then
    assert [set(_eppns(p)) & usernames for p in protected] == [set(), set()]
    assert protected[0]["enrolments"][0]["schoolType"] in {"FKLASS", "GR"}


def test_references_to_a_protected_person_carry_the_marking():
    # given
    dataset = _dataset(200)
    [pupil, guardian] = [
        p for p in _records(dataset, "persons") if p["securityMarking"] != "Ingen"
    ]

    # when
    markings = {
        m["person"]["securityMarking"]
        for g in _records(dataset, "groups")
        for m in g.get("groupMemberships", [])
        if m["person"]["id"] == pupil["id"]
    } | {
        r["person"]["securityMarking"]
        for p in _records(dataset, "persons")
        for r in p.get("responsibles", [])
        if r["person"]["id"] == guardian["id"]
    }

    # then
    assert markings == {"Skyddad folkbokföring"}


# -- references -----------------------------------------------------------------


def test_person_references_resolve():
    # given
    dataset = _dataset()
    persons = _records(dataset, "persons")

    # when
    enroled_at = {e["enroledAt"]["id"] for p in persons for e in p.get("enrolments", [])}
    responsibles = {r["person"]["id"] for p in persons for r in p.get("responsibles", [])}

    # then
    assert enroled_at == {_unit_id(dataset, "Björkskolan"), _unit_id(dataset, "Ekskolan")}
    assert responsibles - _ids(persons) == set()
    assert len(responsibles) > 0


def test_group_references_resolve():
    # given
    dataset = _dataset()
    groups = _records(dataset, "groups")

    # when
    organisations = {g["organisation"]["id"] for g in groups}
    members = {m["person"]["id"] for g in groups for m in g.get("groupMemberships", [])}

    # then
    assert organisations == _school_unit_ids(dataset)
    assert members == {p["id"] for p in _records(dataset, "persons") if "enrolments" in p}


def test_duty_references_resolve():
    # given
    dataset = _dataset()
    duties = _records(dataset, "duties")

    # when
    people = {d["person"]["id"] for d in duties}
    units = {d["dutyAt"]["id"] for d in duties}
    assigned = {a["group"]["id"] for d in duties for a in d.get("assignmentRole", [])}

    # then
    assert people - _ids(_records(dataset, "persons")) == set()
    assert len(people) == len(duties)
    assert units == _school_unit_ids(dataset)
    assert assigned == _ids(_records(dataset, "groups"))


def test_activity_references_resolve():
    # given
    dataset = _dataset()
    activities = _records(dataset, "activities")

    # when
    organisations = {a["organisation"]["id"] for a in activities}
    groups = {g["id"] for a in activities for g in a["groups"]}
    duties = {t["duty"]["id"] for a in activities for t in a["teachers"]}
    syllabuses = {a["syllabus"]["id"] for a in activities}

    # then
    assert organisations == {_unit_id(dataset, "Björkskolan"), _unit_id(dataset, "Ekskolan")}
    assert groups == _group_ids(dataset, "Klass")
    assert duties - _ids(_records(dataset, "duties")) == set()
    assert syllabuses == _ids(_records(dataset, "syllabuses"))


def test_placement_references_resolve():
    # given
    dataset = _dataset()
    placements = _records(dataset, "placements")
    persons = _ids(_records(dataset, "persons"))

    # when
    placed_at = {p["placedAt"]["id"] for p in placements}
    groups = {p["group"]["id"] for p in placements}
    children = {p["child"]["id"] for p in placements}
    owners = {o["id"] for p in placements for o in p["owners"]}

    # then
    assert placed_at == {_unit_id(dataset, "Solrosens förskola")}
    assert groups == _group_ids(dataset, "Avdelning")
    assert children - persons == set()
    assert len(children) == len(placements)
    assert owners - persons == set()
    assert len(owners) > 0


def test_placement_owners_are_the_childs_custodians():
    # given
    dataset = _dataset()
    persons = {p["id"]: p for p in _records(dataset, "persons")}

    # when
    mismatched = [
        p
        for p in _records(dataset, "placements")
        if [o["id"] for o in p["owners"]] != _custodian_ids(persons[p["child"]["id"]])
    ]

    # then
    assert mismatched == []


# -- staff and teaching ---------------------------------------------------------


def test_staff_at_twenty_pupils():
    # given
    duties = _records(_dataset(20), "duties")

    # when
    roles = Counter((d["dutyAt"]["displayName"], d["dutyRole"]) for d in duties)

    # then
    assert roles == {
        ("Solrosens förskola", "Rektor"): 1,
        ("Björkskolan", "Rektor"): 1,
        ("Ekskolan", "Rektor"): 1,
        ("Björkskolan", "Skoladministratör"): 1,
        ("Ekskolan", "Skoladministratör"): 1,
        ("Björkskolan", "Lärare"): 4,
        ("Ekskolan", "Lärare"): 4,
        ("Solrosens förskola", "Förskollärare"): 3,
        ("Solrosens förskola", "Barnskötare"): 3,
    }


def test_about_one_teacher_per_twelve_pupils():
    # given
    duties = _records(_dataset(1000), "duties")

    # when
    teachers = Counter(d["dutyAt"]["displayName"] for d in duties if d["dutyRole"] == "Lärare")

    # then: 595 pupils at Björkskolan, 255 at Ekskolan
    assert teachers == {"Björkskolan": 50, "Ekskolan": 21}


def test_staff_sign_in_with_their_work_address():
    # given
    dataset = _dataset()
    staff = {d["person"]["id"] for d in _records(dataset, "duties")}

    # when
    names = [_eppns(p) for p in _records(dataset, "persons") if p["id"] in staff]

    # then
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+\d+@exempelby\.example\.com", n[0]) for n in names)


def test_every_class_has_exactly_one_mentor():
    # given
    dataset = _dataset(1000)

    # when
    mentored = Counter(
        a["group"]["id"]
        for d in _records(dataset, "duties")
        for a in d.get("assignmentRole", [])
        if a["assignmentRoleType"] == "Mentor"
    )

    # then
    assert mentored == dict.fromkeys(_group_ids(dataset, "Klass"), 1)


def test_mentors_teach_in_their_own_class():
    # given
    dataset = _dataset(1000)
    classes = {g["id"]: g for g in _records(dataset, "groups")}

    # when
    mentors = [
        (d["id"], classes[a["group"]["id"]])
        for d in _records(dataset, "duties")
        for a in d.get("assignmentRole", [])
        if a["assignmentRoleType"] == "Mentor"
    ]

    # then
    assert [duty in _teacher_duties(dataset, group) for duty, group in mentors] == [True] * len(
        mentors
    )


def test_every_class_has_every_subject_with_one_teacher():
    # given
    dataset = _dataset(200)
    activities = _records(dataset, "activities")

    # when
    taught = Counter((a["groups"][0]["id"], a["syllabus"]["id"]) for a in activities)

    # then
    assert len(taught) == len(_group_ids(dataset, "Klass")) * 8
    assert set(taught.values()) == {1}
    assert {len(a["teachers"]) for a in activities} == {1}
    assert {a["displayName"] for a in activities} >= {"Matematik 3A", "Svenska FA", "Musik 9A"}


def test_each_department_has_a_preschool_teacher_and_a_childminder():
    # given
    dataset = _dataset(200)

    # when
    roles = Counter(
        (a["group"]["id"], d["dutyRole"], a["assignmentRoleType"])
        for d in _records(dataset, "duties")
        for a in d.get("assignmentRole", [])
        if a["assignmentRoleType"] != "Mentor"
    )

    # then
    assert roles == {
        (department, role, role): 1
        for department in _group_ids(dataset, "Avdelning")
        for role in ("Förskollärare", "Barnskötare")
    }


# -- logins ---------------------------------------------------------------------


def test_logins_cover_every_role_in_order():
    # given
    dataset = _dataset()

    # when
    roles = [login.role for login in dataset.logins]

    # then
    assert roles == [
        "pupil",
        "guardian",
        "teacher",
        "mentor",
        "principal",
        "school_admin",
        "preschool_teacher",
        "guardian_preschool",
    ]


def test_login_names_match_their_people():
    # given
    dataset = _dataset()

    # when
    names = [(login.name, _login_person(dataset, login.role)) for login in dataset.logins]

    # then
    assert [name for name, _ in names] == [f"{p['givenName']} {p['familyName']}" for _, p in names]


def test_login_pupil_is_at_bjorkskolan_with_two_custodians():
    # given
    dataset = _dataset()

    # when
    pupil = _login_person(dataset, "pupil")

    # then
    assert pupil["enrolments"][0]["enroledAt"]["displayName"] == "Björkskolan"
    assert len(_custodian_ids(pupil)) == 2
    assert pupil["securityMarking"] == "Ingen"


def test_login_guardian_is_a_custodian_of_the_login_pupil_and_of_a_sibling():
    # given
    dataset = _dataset()
    pupil = _login_person(dataset, "pupil")

    # when
    guardian = _login_person(dataset, "guardian")
    children = [p for p in _pupils(dataset) if guardian["id"] in _custodian_ids(p)]

    # then
    assert guardian["id"] in _custodian_ids(pupil)
    assert len(children) == 2


def test_login_mentor_mentors_the_login_pupils_class():
    # given
    dataset = _dataset()
    group = _class_of(dataset, _login_person(dataset, "pupil"))

    # when
    duty = _duty(dataset, _login_person(dataset, "mentor"))

    # then
    assert (group["id"], "Mentor") in [
        (a["group"]["id"], a["assignmentRoleType"]) for a in duty["assignmentRole"]
    ]


def test_login_teacher_teaches_the_login_pupils_class_but_is_not_its_mentor():
    # given
    dataset = _dataset()
    group = _class_of(dataset, _login_person(dataset, "pupil"))
    mentor = _duty(dataset, _login_person(dataset, "mentor"))

    # when
    teacher = _duty(dataset, _login_person(dataset, "teacher"))

    # then
    assert teacher["id"] in _teacher_duties(dataset, group)
    assert teacher["id"] != mentor["id"]
    assert [a["group"]["id"] for a in teacher.get("assignmentRole", [])].count(group["id"]) == 0


def test_login_principal_and_administrator_work_at_bjorkskolan():
    # given
    dataset = _dataset()

    # when
    duties = [_duty(dataset, _login_person(dataset, r)) for r in ("principal", "school_admin")]

    # then
    assert [(d["dutyRole"], d["dutyAt"]["displayName"]) for d in duties] == [
        ("Rektor", "Björkskolan"),
        ("Skoladministratör", "Björkskolan"),
    ]


def test_login_preschool_guardian_has_a_child_in_the_preschool_teachers_department():
    # given
    dataset = _dataset()
    teacher = _duty(dataset, _login_person(dataset, "preschool_teacher"))
    [department] = [a["group"]["id"] for a in teacher["assignmentRole"]]

    # when
    guardian = _login_person(dataset, "guardian_preschool")
    owned = [
        p["group"]["id"]
        for p in _records(dataset, "placements")
        if guardian["id"] in {o["id"] for o in p["owners"]}
    ]

    # then
    assert teacher["dutyRole"] == "Förskollärare"
    assert department in owned


# -- files ----------------------------------------------------------------------


def test_write_dataset_writes_seven_files_that_round_trip(tmp_path: Path):
    # given
    dataset = _dataset(20)

    # when
    paths = write_dataset(dataset, tmp_path / "demo")

    # then
    assert [path.name for path in paths] == [f"{name}.json" for name in COLLECTIONS]
    assert [json.loads(p.read_text(encoding="utf-8"))["data"] for p in paths] == [
        dataset.collections[name] for name in COLLECTIONS
    ]
    assert "Björkskolan" in paths[0].read_text(encoding="utf-8")
