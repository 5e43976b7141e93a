"""A small, fixed SS 12000 dataset whose every count the tests know.

Exempelby kommun runs Björkskolan (class 3A, taught maths by Tove Lärare,
mentored by Mats Mentor) and Solrosens förskola (Avdelning Humlan). Siblings
Alva and Elis Lind are in 3A with guardians Karin and Per Lind; Nils Berg
is in preschool with guardian Karin Berg. Alva's grandmother Greta is her
God man. Identity numbers use birth numbers 980-999 (test series).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

from core.identity import luhn_digit


def civic(date: str, birth_number: int) -> str:
    """A valid test-series identity number for YYYYMMDD `date`."""
    body = f"{date}{birth_number:03d}"
    return f"{body}{luhn_digit(body[2:])}"


def uid(name: str) -> str:
    """A stable UUID per name, so tests can refer to records by name."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"test:{name}"))


def ref(name: str) -> dict[str, str]:
    return {"id": uid(name)}


def person(name: str, given: str, family: str, civic_no: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": uid(name),
        "givenName": given,
        "familyName": family,
        "civicNo": {"value": civic_no},
        "securityMarking": "Ingen",
        **extra,
    }


def pupil(name: str, given: str, family: str, civic_no: str, *guardians: str) -> dict[str, Any]:
    return person(
        name,
        given,
        family,
        civic_no,
        eduPersonPrincipalNames=[f"{name}@elev.exempelby.example.com"],
        enrolments=[{"enroledAt": ref("bjorkskolan"), "schoolType": "GR", "schoolYear": 3}],
        responsibles=[{"person": ref(g), "relationType": "Vårdnadshavare"} for g in guardians],
    )


def guardian(name: str, given: str, family: str, civic_no: str) -> dict[str, Any]:
    return person(
        name,
        given,
        family,
        civic_no,
        eduPersonPrincipalNames=[f"{name}@vh.exempelby.example.com"],
        emails=[{"value": f"{name}@example.com", "type": "Privat"}],
        phoneNumbers=[{"value": "070-1740605", "type": "Hem", "mobile": True}],
        addresses=[
            {
                "type": "Folkbokföring",
                "streetAddress": "Storgatan 1",
                "postalCode": "99999",
                "locality": "Exempelby",
            }
        ],
    )


def staff(name: str, given: str, family: str, civic_no: str) -> dict[str, Any]:
    return person(
        name, given, family, civic_no, eduPersonPrincipalNames=[f"{name}@exempelby.example.com"]
    )


def dataset() -> dict[str, list[dict[str, Any]]]:
    """A fresh copy of the whole dataset; tests change it freely."""
    alva = pupil("alva", "Alva", "Lind", civic("20160314", 982), "karin", "per")
    alva["responsibles"].append({"person": ref("greta"), "relationType": "God man"})
    return copy.deepcopy(
        {
            "organisations": [
                {
                    "id": uid("kommun"),
                    "displayName": "Exempelby kommun",
                    "organisationType": "Huvudman",
                    "organisationNumber": "212000-9999",
                    "municipalityCode": "9999",
                },
                {
                    "id": uid("bjorkskolan"),
                    "displayName": "Björkskolan",
                    "organisationType": "Skolenhet",
                    "schoolUnitCode": "99990001",
                    "schoolTypes": ["GR", "FTH"],
                    "parentOrganisation": ref("kommun"),
                },
                {
                    "id": uid("solrosen"),
                    "displayName": "Solrosens förskola",
                    "organisationType": "Skolenhet",
                    "schoolUnitCode": "99990002",
                    "schoolTypes": ["FS"],
                    "parentOrganisation": ref("kommun"),
                },
            ],
            "syllabuses": [
                {
                    "id": uid("ma"),
                    "subjectCode": "MA",
                    "subjectName": "Matematik",
                    "schoolType": "GR",
                }
            ],
            "persons": [
                alva,
                pupil("elis", "Elis", "Lind", civic("20160822", 991), "karin", "per"),
                person(
                    "nils",
                    "Nils",
                    "Berg",
                    civic("20220105", 985),
                    responsibles=[{"person": ref("kberg"), "relationType": "Vårdnadshavare"}],
                ),
                guardian("karin", "Karin", "Lind", civic("19850402", 980)),
                guardian("per", "Per", "Lind", civic("19830911", 996)),
                guardian("kberg", "Karin", "Berg", civic("19900120", 987)),
                person("greta", "Greta", "Lind", civic("19550607", 983)),
                staff("tove", "Tove", "Lärare", civic("19800101", 984)),
                staff("mats", "Mats", "Mentor", civic("19750505", 989)),
            ],
            "groups": [
                {
                    "id": uid("3a"),
                    "displayName": "3A",
                    "groupType": "Klass",
                    "schoolType": "GR",
                    "organisation": ref("bjorkskolan"),
                    "startDate": "2026-08-15",
                    "groupMemberships": [
                        {"person": ref("alva"), "startDate": "2026-08-15"},
                        {"person": ref("elis"), "startDate": "2026-08-15"},
                    ],
                },
                {
                    "id": uid("humlan"),
                    "displayName": "Avdelning Humlan",
                    "groupType": "Avdelning",
                    "schoolType": "FS",
                    "organisation": ref("solrosen"),
                },
                {
                    "id": uid("schema"),
                    "displayName": "Schemagrupp",
                    "groupType": "Schema",
                    "schoolType": "GR",
                    "organisation": ref("bjorkskolan"),
                },
            ],
            "placements": [
                {
                    "id": uid("pl-nils"),
                    "placedAt": ref("solrosen"),
                    "group": ref("humlan"),
                    "child": ref("nils"),
                    "owners": [ref("kberg")],
                    "schoolType": "FS",
                    "startDate": "2023-08-01",
                },
            ],
            "duties": [
                {
                    "id": uid("d-tove"),
                    "person": ref("tove"),
                    "dutyAt": ref("bjorkskolan"),
                    "dutyRole": "Lärare",
                    "startDate": "2020-08-01",
                },
                {
                    "id": uid("d-mats"),
                    "person": ref("mats"),
                    "dutyAt": ref("bjorkskolan"),
                    "dutyRole": "Lärare",
                    "startDate": "2019-08-01",
                    "assignmentRole": [
                        {
                            "group": ref("3a"),
                            "assignmentRoleType": "Mentor",
                            "startDate": "2026-08-15",
                        }
                    ],
                },
            ],
            "activities": [
                {
                    "id": uid("ma-3a"),
                    "displayName": "Matematik 3A",
                    "activityType": "Undervisning",
                    "organisation": ref("bjorkskolan"),
                    "groups": [ref("3a")],
                    "teachers": [{"duty": ref("d-tove")}],
                    "syllabus": ref("ma"),
                    "startDate": "2026-08-15",
                    "calendarEventsRequired": False,
                },
            ],
        }
    )


def find(data: dict[str, list[dict[str, Any]]], collection: str, name: str) -> dict[str, Any]:
    """The record of `collection` made for `name`."""
    return next(r for r in data[collection] if r["id"] == uid(name))


TODAY = dt.date(2026, 11, 23)
FIRST_RUN = {
    "organisations": (1, 0, 0),
    "schools": (2, 0, 0),
    "subjects": (1, 0, 0),
    "persons": (9, 0, 0),
    "accounts": (7, 0, 0),
    "pupils": (3, 0, 0),
    "guardianships": (6, 0, 0),
    "groups": (2, 0, 0),
    "memberships": (3, 0, 0),
    "duties": (2, 0, 0),
    "assignments": (2, 0, 0),
}
NOTHING = dict.fromkeys(FIRST_RUN, (0, 0, 0))


def write_directory(path: Path, data: dict[str, list[dict[str, object]]]) -> Path:
    for name, records in data.items():
        (path / f"{name}.json").write_text(json.dumps({"data": records}), encoding="utf-8")
    return path
