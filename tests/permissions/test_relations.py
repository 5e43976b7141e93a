from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import RelationType
from permissions.relations import adult_cutoff, visible_pupils
from tests.factories import (
    GroupFactory,
    GroupMembershipFactory,
    GuardianshipFactory,
    PersonFactory,
    PupilMentorFactory,
    StaffAssignmentFactory,
    teacher_of_class,
    user_for,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 23)


def names(viewer, day=DAY):
    return {p.person.given_name for p in visible_pupils(viewer, day).select_related("person")}


@pytest.mark.parametrize(
    ("day", "cutoff"),
    [
        (dt.date(2026, 11, 23), dt.date(2008, 11, 23)),
        (dt.date(2028, 2, 29), dt.date(2010, 2, 28)),
        (dt.date(2027, 3, 1), dt.date(2009, 3, 1)),
    ],
)
def test_adult_cutoff_is_the_18th_birthday(day, cutoff):
    # when / then
    assert adult_cutoff(day) == cutoff


@pytest.mark.parametrize(
    ("born", "day", "visible"),
    [
        (dt.date(2008, 11, 24), DAY, {"Ella"}),  # 18 tomorrow
        (dt.date(2008, 11, 23), DAY, set()),  # 18 today
        (dt.date(2010, 2, 28), dt.date(2028, 2, 28), set()),
        (dt.date(2008, 2, 29), dt.date(2026, 2, 28), {"Ella"}),  # leapling: 18 on 1 March
        (dt.date(2008, 2, 29), dt.date(2026, 3, 1), set()),
    ],
)
def test_guardian_rights_end_on_the_18th_birthday(born, day, visible):
    # given
    guardianship = GuardianshipFactory(
        pupil__person__given_name="Ella", pupil__person__birth_date=born
    )

    # when / then
    assert names(user_for(guardianship.guardian), day) == visible


def test_an_adult_pupil_can_let_a_guardian_keep_access():
    # given
    guardianship = GuardianshipFactory(
        pupil__person__given_name="Ella",
        pupil__person__birth_date=dt.date(2005, 1, 1),
        adult_consent=True,
    )

    # when / then
    assert names(user_for(guardianship.guardian)) == {"Ella"}


@pytest.mark.parametrize(
    ("relation", "rights_until", "visible"),
    [
        (RelationType.CUSTODIAN, None, {"Ella"}),
        (RelationType.TRUSTEE, None, set()),
        (RelationType.OTHER_RESPONSIBLE, DAY, {"Ella"}),
        (RelationType.APPOINTED, DAY - dt.timedelta(days=1), set()),
    ],
)
def test_only_custodians_or_dated_grants_give_guardian_rights(relation, rights_until, visible):
    # given
    guardianship = GuardianshipFactory(
        pupil__person__given_name="Ella", relation_type=relation, rights_until=rights_until
    )

    # when / then
    assert names(user_for(guardianship.guardian)) == visible


@pytest.mark.parametrize(
    ("start", "end", "visible"),
    [
        (DAY, None, {"Ella"}),
        (DAY + dt.timedelta(days=1), None, set()),
        (None, DAY, {"Ella"}),
        (None, DAY - dt.timedelta(days=1), set()),
    ],
)
def test_a_class_change_moves_access_on_its_date(start, end, visible):
    # given
    group = GroupFactory()
    teacher = StaffAssignmentFactory(group=group).staff
    GroupMembershipFactory(
        group=group, pupil__person__given_name="Ella", start_date=start, end_date=end
    )

    # when / then
    assert names(user_for(teacher)) == visible


def test_a_teacher_who_has_left_sees_nobody():
    # given
    group = GroupFactory()
    teacher = StaffAssignmentFactory(group=group, end_date=DAY - dt.timedelta(days=1)).staff
    GroupMembershipFactory(group=group, pupil__person__given_name="Ella")

    # when / then
    assert names(user_for(teacher)) == set()


def test_a_per_pupil_mentor_sees_the_pupil():
    # given
    mentoring = PupilMentorFactory(pupil__person__given_name="Ella")

    # when / then
    assert names(user_for(mentoring.staff)) == {"Ella"}


def test_an_inactive_account_sees_nothing():
    # given
    guardianship = GuardianshipFactory(pupil__person__given_name="Ella")
    viewer = user_for(guardianship.guardian, is_active=False)

    # when / then
    assert (names(viewer), names(AnonymousUser())) == (set(), set())


@pytest.mark.parametrize("size", [3, 300])
def test_visible_pupils_is_one_query_whatever_the_roster(size):
    # given
    teacher = teacher_of_class(size)
    PersonFactory.create_batch(size)

    # when
    with CaptureQueriesContext(connection) as queries:
        pupils = list(visible_pupils(teacher))

    # then
    assert (len(queries), len(pupils)) == (1, size)


def test_visible_pupils_is_built_once_per_viewer():
    # given
    teacher = teacher_of_class(2)

    # when / then
    assert visible_pupils(teacher) is visible_pupils(teacher)
