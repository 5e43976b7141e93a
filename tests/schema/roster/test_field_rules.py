"""Field rules through the API: the class and contact lists and pupils' names.

The expected values are the written-out field table of tests/cast.py,
which tests/permissions/test_matrix.py holds the single-object rules to,
so the list path and those rules are held to the same marks.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from core.models import Group, SecurityMarking
from tests.cast import COMBINATIONS, FIELDS, MEMBERS, Cast
from tests.factories import GroupMembershipFactory, PupilFactory, teacher_of_class
from tests.graphql import SCHEMAS, run

pytestmark = pytest.mark.django_db
LISTS = """query($group: ID!, $elis: ID!) {
  group(id: $group) {
    classList { name }
    contactList { name guardians { name email phone address } }
  }
  pupil(id: $elis) { name }
}"""


def lists(cast: Cast, member: str, schema_name: str = "optimizer on") -> dict[str, Any]:
    variables = {
        "group": to_base64("Group", cast.class_3a.pk),
        "elis": to_base64("Pupil", cast.elis.pk),
    }
    return run(cast[member], LISTS, variables, schema_name=schema_name)


def elis_row(data: dict[str, Any]) -> dict[str, Any] | None:
    rows = (data["group"] or {}).get("contactList", [])
    return next((row for row in rows if row["name"] == "Elis Elev"), None)


def expected_elis_row(marks: dict[str, bool]) -> dict[str, Any] | None:
    """Elis's line in the contact list as the marks say; Dana is never listed."""
    erik = {
        "name": "Erik Elev",
        "email": "erik@example.com" if marks["erik"] else None,
        "phone": "070-000 00 02" if marks["erik"] else None,
        "address": "Storgatan 1, 123 45 Exempelby" if marks["erik-addr"] else None,
    }
    fia = {
        "name": "Fia Elev",
        "email": "fia@example.com" if marks["fia"] else None,
        "phone": "070-000 00 03" if marks["fia"] else None,
        "address": "Lillgatan 2, 123 46 Exempelby" if marks["fia-addr"] else None,
    }
    return {"name": "Elis Elev", "guardians": [erik, fia]} if marks["contacts"] else None


@pytest.mark.parametrize("schema_name", SCHEMAS)
@pytest.mark.parametrize("member", [*MEMBERS, *COMBINATIONS])
def test_the_lists_show_exactly_the_fields_of_the_table(combined, member, schema_name):
    # given
    marks = FIELDS[member]

    # when
    data = lists(combined, member, schema_name)

    # then
    seen = (bool((data["group"] or {}).get("classList")), data["pupil"] is not None)
    assert seen == (marks["list"], marks["page"])
    assert elis_row(data) == expected_elis_row(marks)


def test_a_guardian_who_is_also_analytics_sees_no_phone_a_family_did_not_opt_in_to_show(
    combined,
):
    # when
    row = elis_row(lists(combined, "guardian_analytics"))

    # then: Fia never opted in; only Erik's phone and email are shown
    assert row == {
        "name": "Elis Elev",
        "guardians": [
            {
                "name": "Erik Elev",
                "email": "erik@example.com",
                "phone": "070-000 00 02",
                "address": None,
            },
            {"name": "Fia Elev", "email": None, "phone": None, "address": None},
        ],
    }


def test_opting_in_shows_phone_and_email_to_other_families_but_never_the_address(combined):
    # when
    row = elis_row(lists(combined, "guardian"))

    # then
    assert row is not None
    assert row["guardians"][0] == {
        "name": "Erik Elev",
        "email": "erik@example.com",
        "phone": "070-000 00 02",
        "address": None,
    }


def test_the_childs_teacher_sees_the_address_whatever_the_opt_in(combined):
    # when
    row = elis_row(lists(combined, "teacher"))

    # then
    assert row is not None
    assert [g["address"] for g in row["guardians"]] == [
        "Storgatan 1, 123 45 Exempelby",
        "Lillgatan 2, 123 46 Exempelby",
    ]


@pytest.mark.parametrize("size", [3, 30])
def test_a_protected_pupil_in_the_list_costs_one_query_more_and_is_named_to_the_teacher(size):
    # given
    teacher = teacher_of_class(size)
    group = Group.objects.get(staff_assignments__staff_id=teacher.person_id)
    vera = PupilFactory(
        person__given_name="Vera",
        person__family_name="Aaberg",
        person__security_marking=SecurityMarking.PROTECTED_REGISTRATION,
        school=group.school,
    )
    GroupMembershipFactory(group=group, pupil=vera)

    # when
    with CaptureQueriesContext(connection) as queries:
        data = run(teacher, "{ pupils(first: 100) { edges { node { name } } } }")

    # then: the teacher is in Vera's circle, so sees her name, not the alias
    names = [e["node"]["name"] for e in data["pupils"]["edges"]]
    assert (names.count("Vera Aaberg"), len(names), len(queries)) == (1, size + 1, 2), "\n".join(
        q["sql"] for q in queries
    )
