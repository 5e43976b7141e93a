from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.http import HttpRequest

from core.models import Organisation, User
from permissions.relations import visible_pupils, visible_schools

pytestmark = pytest.mark.django_db


def test_every_printed_demo_login_signs_in_with_the_demo_password(capsys):
    # when
    call_command("demo_data", "--pupils", "20")
    out = capsys.readouterr().out
    usernames = re.findall(r"^  \S+(?: \S+)?\s+(\S+@\S+|admin)\s", out, flags=re.MULTILINE)

    # then
    assert len(usernames) == 10
    # axes (the sign-in throttle) counts sign-ins by request, so one is passed
    signed_in = [authenticate(HttpRequest(), username=u, password="demo") for u in usernames]
    assert [u for u, user in zip(usernames, signed_in, strict=True) if user is None] == []


def test_demo_roles_see_what_their_role_allows(capsys):
    # given
    call_command("demo_data", "--pupils", "40")
    out = capsys.readouterr().out
    login = dict(re.findall(r"^  (\w+)\s+(\S+@\S+)\s", out, flags=re.MULTILINE))

    # when
    seen = {
        role: visible_pupils(User.objects.get(username=name)).count()
        for role, name in login.items()
    }
    analyst = User.objects.get(username=login["analytics"])

    # then
    assert (seen["pupil"], seen["analytics"]) == (1, 0)
    assert seen["guardian"] >= 1
    assert seen["teacher"] >= 1
    assert visible_schools(analyst).count() == 3
    assert analyst.has_perm("core.view_summaries", Organisation.objects.get())


def test_a_second_demo_run_imports_nothing_new(capsys):
    # given
    call_command("demo_data", "--pupils", "20")
    capsys.readouterr()

    # when
    call_command("demo_data", "--pupils", "20")

    # then
    assert "Total: 0 created, 0 updated, 0 ended, 0 rejected." in capsys.readouterr().out
