"""Field rules on the page: protected names, class and contact lists, overviews."""

from __future__ import annotations

import pytest
from strawberry.relay import to_base64

from core.models import LearningLogComment, LearningLogEntry, SecurityMarking
from tests.cast import MEMBERS
from tests.factories import (
    GroupMembershipFactory,
    GuardianshipFactory,
    PersonFactory,
    PupilFactory,
    user_for,
)
from tests.graphql import run

pytestmark = pytest.mark.django_db
COMMENTS = "{ pupils { edges { node { learningLog(first: 5) { edges { node { comments { author { name } } } } } } } } }"


def comment_authors(data):
    return [
        c["author"]["name"]
        for p in data["pupils"]["edges"]
        for e in p["node"]["learningLog"]["edges"]
        for c in e["node"]["comments"]
    ]


@pytest.mark.parametrize(
    ("member", "name"),
    [
        ("guardian", "alias"),
        ("pupil", "alias"),
        ("teacher", "Dana Skyddadsson"),
        ("author", "Dana Skyddadsson"),
    ],
)
def test_a_protected_author_is_named_only_to_self_and_staff(cast, member, name):
    # given: a second custodian of Alva with protected identity comments on her log
    dana = PersonFactory(
        given_name="Dana",
        family_name="Skyddadsson",
        security_marking=SecurityMarking.PROTECTED_REGISTRATION,
    )
    GuardianshipFactory(pupil=cast.alva, guardian=dana)
    author = user_for(dana)
    entry = LearningLogEntry.objects.create(pupil=cast.alva, author=author, text="Bråk")
    LearningLogComment.objects.create(entry=entry, author=author, text="Bra!")
    viewer = author if member == "author" else cast[member]

    # when
    names = comment_authors(run(viewer, COMMENTS))

    # then
    assert names == [dana.alias if name == "alias" else name]


CLASS_LIST = "query($id: ID!) { group(id: $id) { classList { name guardians { name email phone address } } contactList { name guardians { name email phone address } } } }"


@pytest.fixture
def families(cast):
    """Karin (Alva's) keeps her details hidden, Erik (Elis's) shows his.

    Pia, a classmate in 3A, has protected identity.
    """
    karin = cast["guardian"].person
    karin.email, karin.phone = "karin@example.com", "070-000 00 01"
    karin.save()
    erik = PersonFactory(
        given_name="Erik",
        family_name="Elev",
        email="erik@example.com",
        phone="070-000 00 02",
        street_address="Storgatan 1",
        postal_code="123 45",
        locality="Exempelby",
        contact_visible_to_families=True,
    )
    GuardianshipFactory(pupil=cast.elis, guardian=erik)
    pia = PupilFactory(
        person__given_name="Pia",
        person__family_name="Elev",
        person__security_marking=SecurityMarking.CONFIDENTIAL,
        school=cast.school,
    )
    GroupMembershipFactory(group=cast.class_3a, pupil=pia)
    return to_base64("Group", cast.class_3a.pk)


HIDDEN = {"email": None, "phone": None, "address": None}
KARIN = {"email": "karin@example.com", "phone": "070-000 00 01", "address": ""}
ERIK = {
    "email": "erik@example.com",
    "phone": "070-000 00 02",
    "address": "Storgatan 1, 123 45 Exempelby",
}
# What another family sees of Erik: his opt-in shows phone and email, never the address.
ERIK_TO_FAMILIES = {**ERIK, "address": None}


def listing(karin, erik):
    return [
        {"name": "Alva Elev", "guardians": [{"name": "Guardian Exempelsson", **karin}]},
        {"name": "Elis Elev", "guardians": [{"name": "Erik Elev", **erik}]},
    ]


@pytest.mark.parametrize(
    ("member", "class_list", "contact_list"),
    [
        ("pupil", listing(HIDDEN, HIDDEN), []),
        ("guardian", listing(HIDDEN, HIDDEN), listing(KARIN, ERIK_TO_FAMILIES)),
        ("teacher", listing(HIDDEN, HIDDEN), listing(KARIN, ERIK)),
        ("principal", listing(HIDDEN, HIDDEN), listing(KARIN, ERIK)),
        ("student_health", [], []),
    ],
)
def test_class_and_contact_lists(cast, families, member, class_list, contact_list):
    # when
    group = run(cast[member], CLASS_LIST, {"id": families})["group"]

    # then: Pia (protected) is in neither; hidden details are null
    assert group == {"classList": class_list, "contactList": contact_list}


@pytest.mark.parametrize(
    "member",
    [
        m
        for m in MEMBERS
        if m
        not in {
            "pupil",
            "guardian",
            "teacher",
            "mentor",
            "principal",
            "school_admin",
            "student_health",
        }
    ],
)
def test_no_one_else_reaches_the_group_at_all(cast, families, member):
    # when / then
    assert run(cast[member], CLASS_LIST, {"id": families}) == {"group": None}
