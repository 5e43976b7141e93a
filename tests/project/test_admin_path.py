"""The admin answers only at ADMIN_PATH; in production only once one is set."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from project.settings import _admin_path

ROOT = Path(__file__).resolve().parent.parent.parent
PROBE = (
    "import django; django.setup(); from django.urls import NoReverseMatch, reverse\n"
    "try: print(reverse('admin:index'))\n"
    "except NoReverseMatch: print('no admin')\n"
)


def _admin_index(**env: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "ADMIN_PATH"}, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def test_in_production_there_is_no_admin_until_a_path_is_set():
    # when
    index = _admin_index(DEBUG="0", SECRET_KEY="test-only-key")

    # then
    assert index == "no admin"


def test_the_admin_answers_at_the_path_set():
    # when
    index = _admin_index(DEBUG="0", SECRET_KEY="test-only-key", ADMIN_PATH="staff-7hq2/")

    # then
    assert index == "/staff-7hq2/"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("staff-7hq2/", "staff-7hq2/"), ("skola/admin/", "skola/admin/"), ("", ""), (" ", "")],
)
def test_good_admin_paths_are_kept(raw, expected):
    # when / then
    assert _admin_path(raw) == expected


@pytest.mark.parametrize("raw", ["/admin/", "admin", "graphql/", "accounts/x/", "a b/", "a//"])
def test_a_bad_admin_path_stops_the_service(raw):
    # when
    with pytest.raises(ImproperlyConfigured) as error:
        _admin_path(raw)

    # then
    assert str(error.value) == (
        f"ADMIN_PATH={raw!r} must be path segments each ending in '/', without a leading "
        "'/', e.g. 'staff-7hq2/', and not one of the service's own paths."
    )
