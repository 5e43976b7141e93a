"""Depth and aliases, counted through fragments without walking one twice."""

from __future__ import annotations

import time

import pytest

from tests.graphql import post

pytestmark = pytest.mark.django_db


def doubling(levels: int, leaf: str) -> str:
    """F{levels} spreads F{levels-1} twice, ... down to F0 holding `leaf`."""
    fragments = " ".join(
        f"fragment F{n} on Query {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, levels + 1)
    )
    return f"{{ ...F{levels} }} fragment F0 on Query {{ {leaf} }} {fragments}"


def test_fragments_spread_again_and_again_are_measured_at_once():
    # given: 2**40 paths; walking each would never end
    query = doubling(40, "me { username }")

    # when
    started = time.monotonic()
    answer = post(query)

    # then
    assert (answer, time.monotonic() - started < 5) == (
        {
            "data": None,
            "errors": [
                {
                    "message": f"The query costs {2**41}, more than the limit of 25000; "
                    "ask for fewer items.",
                    "locations": [{"line": 1, "column": 1}],
                    "extensions": {"code": "QUERY_TOO_COSTLY"},
                }
            ],
        },
        True,
    )


def test_aliases_are_counted_through_every_spread():
    # given: 2**4 spreads of one alias
    query = doubling(4, "a: apiVersion")

    # when / then
    assert post(query)["errors"] == [{"message": "16 aliases found. Allowed: 15"}]


def test_depth_is_measured_through_fragments(settings):
    # given
    settings.GRAPHQL_MAX_DEPTH = 1
    query = "{ ...F } fragment F on Query { me { settings { emailSystem } } }"

    # when / then
    assert post(query)["errors"] == [
        {
            "message": "'anonymous' exceeds maximum operation depth of 1",
            "locations": [{"line": 1, "column": 48}],
        }
    ]


def test_an_unknown_fragment_is_a_validation_error():
    # when / then
    assert post("{ ...Nope }")["errors"] == [
        {"message": "Unknown fragment 'Nope'.", "locations": [{"line": 1, "column": 6}]}
    ]
