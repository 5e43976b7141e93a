from __future__ import annotations

import pytest
from django.test import Client

from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_person_list_masks_identity_numbers(admin_client_):
    # given
    person = PersonFactory(family_name="Lind", given_name="Karin", civic_no="198504029805")

    # when
    response = admin_client_.get("/admin/core/person/", {"q": "Lind"})

    # then
    body = response.content.decode()
    assert (response.status_code, "19850402-****" in body, person.civic_no in body) == (
        200,
        True,
        False,
    )


@pytest.mark.parametrize(
    "page",
    [
        "school",
        "organisation",
        "group",
        "pupil",
        "guardianship",
        "groupmembership",
        "staffassignment",
        "duty",
        "pupilmentor",
        "apitoken",
        "user",
    ],
)
def test_roster_admin_pages_load(admin_client_, page):
    # when
    response = admin_client_.get(f"/admin/core/{page}/")

    # then
    assert response.status_code == 200


def _change_page(user, person) -> str:
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    response = client.get(f"/admin/core/person/{person.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_person_page_masks_the_number_for_a_superuser_without_the_right(cast):
    # given
    person = cast.alva.person

    # when
    body = _change_page(UserFactory(), person)

    # then
    assert (f"{person.civic_no[:8]}-****" in body, person.civic_no in body) == (True, False)
    assert 'name="civic_no"' not in body


def test_the_person_page_shows_the_number_to_the_persons_school_administrator(cast):
    # given
    person = cast.alva.person

    # when
    body = _change_page(cast.users["school_admin"], person)

    # then
    assert (person.civic_no in body, 'name="civic_no"' in body) == (True, False)


def test_a_school_administrator_elsewhere_sees_the_number_masked(cast):
    # given
    person = cast.omar.person  # Ekskolan; Sara administers Björkskolan

    # when
    body = _change_page(cast.users["school_admin"], person)

    # then
    assert (f"{person.civic_no[:8]}-****" in body, person.civic_no in body) == (True, False)


def _search(user, query: str) -> str:
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return client.get("/admin/core/person/", {"q": query}).content.decode()


@pytest.mark.parametrize("separator", ["", "-", " "])
def test_the_persons_school_administrator_finds_them_by_number_with_or_without_separator(
    cast, separator
):
    # given
    number = cast.alva.person.civic_no

    # when
    body = _search(cast.users["school_admin"], f" {number[:8]}{separator}{number[8:]} ")

    # then
    assert ("Elev" in body, "1 result" in body) == (True, True)


@pytest.mark.parametrize("member", ["school_admin", "principal", "stranger"])
def test_a_number_outside_the_users_right_finds_no_one(cast, member):
    # given: Omar is at Ekskolan; Sara administers Björkskolan only
    number = cast.omar.person.civic_no

    # when
    body = _search(cast.users[member], number)

    # then: a search cannot confirm the digits the list masks
    assert "0 result" in body


def test_tokens_are_not_made_in_the_admin(admin_client_):
    # when
    response = admin_client_.get("/admin/core/apitoken/add/")

    # then
    assert response.status_code == 403


def test_a_lockout_is_listed_in_the_admin_for_lifting(admin_client_):
    # given
    Client().post("/accounts/login/", {"username": "karin@exempelby.example.com", "password": "x"})

    # when
    response = admin_client_.get("/admin/axes/accessattempt/")

    # then
    body = response.content.decode()
    assert (response.status_code, "karin@exempelby.example.com" in body) == (200, True)
