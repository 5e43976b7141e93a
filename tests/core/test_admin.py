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
    ["school", "organisation", "group", "pupil", "guardianship", "groupmembership",
     "staffassignment", "duty", "pupilmentor", "apitoken", "user"],
)  # fmt: skip
def test_roster_admin_pages_load(admin_client_, page):
    # when
    response = admin_client_.get(f"/admin/core/{page}/")

    # then
    assert response.status_code == 200
