"""The goal ladder as a table: (role, from, to, plan state) -> allowed.

Every combination of role, statuses and plan state is computed and must
equal exactly the rows below; anything not listed is refused.
"""

from __future__ import annotations

import itertools

from core.models import GoalStatus, PlanState
from permissions.relations import Role
from permissions.rules import goal_move_allowed

NEW, IN_PROGRESS, DONE = GoalStatus.NEW, GoalStatus.IN_PROGRESS, GoalStatus.DONE
ACHIEVED, CANCELLED = GoalStatus.ACHIEVED, GoalStatus.CANCELLED
CLIMBERS = (Role.PUPIL, Role.TEACHER, Role.MENTOR)
STAFF = (Role.TEACHER, Role.MENTOR)
OPEN = (NEW, IN_PROGRESS, DONE)

# (roles, from, to, plan states) -> allowed; everything else is refused.
LADDER = [
    (CLIMBERS, (NEW,), IN_PROGRESS, (PlanState.AGREED,)),
    (CLIMBERS, (IN_PROGRESS,), DONE, (PlanState.AGREED,)),
    (CLIMBERS, (DONE,), IN_PROGRESS, (PlanState.AGREED,)),
    (STAFF, (DONE,), ACHIEVED, (PlanState.AGREED,)),
    (STAFF, OPEN, CANCELLED, (PlanState.DRAFT, PlanState.AGREED)),
]


def test_the_ladder_allows_exactly_the_rows_of_the_table():
    # given
    expected = {
        (role, from_status, to_status, state)
        for roles, froms, to_status, states in LADDER
        for role, from_status, state in itertools.product(roles, froms, states)
    }

    # when
    allowed = {
        (role, from_status, to_status, state)
        for role, from_status, to_status, state in itertools.product(
            Role, GoalStatus, GoalStatus, PlanState
        )
        if goal_move_allowed({role}, from_status, to_status, state)
    }

    # then
    assert allowed == expected


def test_guardians_never_move_a_goal():
    # when
    moves = [
        goal_move_allowed({Role.GUARDIAN}, a, b, s)
        for a, b, s in itertools.product(GoalStatus, GoalStatus, PlanState)
    ]

    # then
    assert set(moves) == {False}


def test_a_viewer_with_no_role_moves_nothing():
    # when
    moves = [
        goal_move_allowed(set(), a, b, s)
        for a, b, s in itertools.product(GoalStatus, GoalStatus, PlanState)
    ]

    # then
    assert set(moves) == {False}
