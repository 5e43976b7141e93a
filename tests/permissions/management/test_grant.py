from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from core.models import User
from permissions.relations import visible_pupils

pytestmark = pytest.mark.django_db


def test_a_principal_grant_opens_the_school_and_revoking_closes_it(cast):
    # given
    stranger = cast["stranger"]

    # when
    call_command(
        "grant", "act_as_principal", stranger.username, "--school", cast.school.school_unit_code
    )
    granted = {p.person.given_name for p in visible_pupils(stranger).select_related("person")}
    call_command(
        "grant", "act_as_principal", stranger.username, "--school", str(cast.school.pk), "--revoke"
    )
    next_request_viewer = User.objects.get(pk=stranger.pk)

    # then
    assert (granted, visible_pupils(next_request_viewer).count()) == ({"Alva", "Elis", "Nora"}, 0)


def test_an_organisation_grant_covers_all_its_schools(cast):
    # given
    stranger = cast["stranger"]

    # when
    call_command(
        "grant",
        "act_as_student_health",
        stranger.username,
        "--organisation",
        str(cast.school.organisation_id),
    )

    # then
    assert {p.person.given_name for p in visible_pupils(stranger).select_related("person")} == {
        "Alva",
        "Elis",
        "Nora",
        "Omar",
    }


def test_a_pupil_share_by_person_id(cast):
    # given
    cast.omar.person.external_id = "6f1c3e4a-0d2b-4c7e-9a8f-1b2c3d4e5f60"
    cast.omar.person.save()

    # when
    call_command(
        "grant",
        "view_pupil_page",
        cast["stranger"].username,
        "--pupil",
        "6f1c3e4a-0d2b-4c7e-9a8f-1b2c3d4e5f60",
    )

    # then
    assert list(visible_pupils(cast["stranger"])) == [cast.omar]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["teach_group", "--school", "99990001"],
            "teach_group is granted on a Group, not a School.",
        ),
        (["act_as_principal", "--school", "00000000"], "No school '00000000'."),
        (["act_as_principal", "--group", "not-an-id"], "No group 'not-an-id'."),
    ],
)
def test_bad_grants_are_refused_clearly(cast, args, message):
    # given
    cast.school.school_unit_code = "99990001"
    cast.school.save()

    # when
    with pytest.raises(CommandError) as error:
        call_command("grant", args[0], cast["stranger"].username, *args[1:])

    # then
    assert str(error.value) == message
