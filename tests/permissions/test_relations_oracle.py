"""visible_pupils against a plain-Python oracle over random roster histories.

Each example builds a small roster around one viewer (joins, leaves, class
changes, guardian changes, duties, dates on both sides of 18th birthdays)
and compares the SQL answer with the oracle on a few days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import DutyRole, RelationType, StaffRole
from permissions.relations import visible_pupils
from tests.factories import (
    DutyFactory,
    GroupFactory,
    GroupMembershipFactory,
    GuardianshipFactory,
    PersonFactory,
    PupilFactory,
    PupilMentorFactory,
    SchoolFactory,
    StaffAssignmentFactory,
    user_for,
)

D0 = dt.date(2026, 9, 1)
PUPILS, GROUPS, SCHOOLS = 4, 3, 2
offset = st.integers(-40, 40)
maybe_day = st.one_of(st.none(), st.none(), offset.map(lambda n: D0 + dt.timedelta(days=n)))


@dataclass(frozen=True)
class Period:
    start: dt.date | None
    end: dt.date | None

    def holds(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


periods = st.builds(Period, maybe_day, maybe_day)
pupil_ix, group_ix, school_ix = (
    st.integers(0, PUPILS - 1),
    st.integers(0, GROUPS - 1),
    st.integers(0, SCHOOLS - 1),
)
# Birth dates around the day pupils turn 18 within the window, or young.
near_18 = offset.map(lambda n: dt.date(2008, 9, 1) + dt.timedelta(days=n))
births = st.one_of(near_18, near_18, st.none(), st.just(dt.date(2016, 5, 5)))
# Custodians and refused consent are the common case, so they come up most.
relations = st.sampled_from([RelationType.CUSTODIAN] * 3 + list(RelationType)[1:])
consents = st.sampled_from([False, False, True])


@dataclass(frozen=True)
class History:
    births: list[dt.date | None]
    pupil_schools: list[int]
    group_schools: list[int]
    self_pupil: int | None
    guardianships: list[tuple[int, str, Period, dt.date | None, bool]]
    memberships: list[tuple[int, int, Period]]
    assignments: list[tuple[int, str, Period]]
    mentors: list[tuple[int, Period]]
    duties: list[tuple[int, str, Period]]


histories = st.builds(
    History,
    births=st.lists(births, min_size=PUPILS, max_size=PUPILS),
    pupil_schools=st.lists(school_ix, min_size=PUPILS, max_size=PUPILS),
    group_schools=st.lists(school_ix, min_size=GROUPS, max_size=GROUPS),
    self_pupil=st.none() | pupil_ix,
    guardianships=st.lists(
        st.tuples(pupil_ix, relations, periods, maybe_day, consents), min_size=1, max_size=3
    ),
    memberships=st.lists(st.tuples(pupil_ix, group_ix, periods), max_size=6),
    assignments=st.lists(
        st.tuples(group_ix, st.sampled_from(list(StaffRole)), periods), max_size=3
    ),
    mentors=st.lists(st.tuples(pupil_ix, periods), max_size=2),
    duties=st.lists(
        st.tuples(
            school_ix,
            st.sampled_from([DutyRole.PRINCIPAL, DutyRole.TEACHER, DutyRole.SCHOOL_ADMINISTRATOR]),
            periods,
        ),
        max_size=2,
    ),
)


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def oracle(h: History, day: dt.date) -> set[int]:
    """Pupil indexes the viewer may see on `day`, by the written policy."""
    seen = {h.self_pupil} if h.self_pupil is not None else set()
    for pupil, relation, period, rights_until, consent in h.guardianships:
        rights = relation == RelationType.CUSTODIAN or (
            rights_until is not None and rights_until >= day
        )
        born = h.births[pupil]
        minor = born is None or age_on(born, day) < 18 or consent
        if period.holds(day) and rights and minor:
            seen.add(pupil)
    taught = {group for group, _, period in h.assignments if period.holds(day)}
    seen |= {
        pupil for pupil, group, period in h.memberships if group in taught and period.holds(day)
    }
    seen |= {pupil for pupil, period in h.mentors if period.holds(day)}
    led = {s for s, role, p in h.duties if role != DutyRole.TEACHER and p.holds(day)}
    seen |= {pupil for pupil in range(PUPILS) if h.pupil_schools[pupil] in led}
    return seen


def build(h: History):
    schools = SchoolFactory.create_batch(SCHOOLS)
    groups = [GroupFactory(school=schools[s]) for s in h.group_schools]
    viewer = PersonFactory(birth_date=h.births[h.self_pupil] if h.self_pupil is not None else None)
    pupils = [
        PupilFactory(
            person=viewer if i == h.self_pupil else PersonFactory(birth_date=born),
            school=schools[s],
        )
        for i, (born, s) in enumerate(zip(h.births, h.pupil_schools, strict=True))
    ]
    for pupil, relation, p, rights_until, consent in h.guardianships:
        GuardianshipFactory(
            pupil=pupils[pupil],
            guardian=viewer,
            relation_type=relation,
            start_date=p.start,
            end_date=p.end,
            rights_until=rights_until,
            adult_consent=consent,
        )
    for pupil, group, p in h.memberships:
        GroupMembershipFactory(
            pupil=pupils[pupil], group=groups[group], start_date=p.start, end_date=p.end
        )
    for group, role, p in h.assignments:
        StaffAssignmentFactory(
            staff=viewer, group=groups[group], role=role, start_date=p.start, end_date=p.end
        )
    for pupil, p in h.mentors:
        PupilMentorFactory(pupil=pupils[pupil], staff=viewer, start_date=p.start, end_date=p.end)
    for school, role, p in h.duties:
        DutyFactory(
            person=viewer, school=schools[school], role=role, start_date=p.start, end_date=p.end
        )
    return user_for(viewer), [pupil.pk for pupil in pupils]


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories, days=st.lists(offset, min_size=1, max_size=3))
def test_visible_pupils_matches_the_oracle(history, days):
    with transaction.atomic():
        # given
        viewer, pupil_ids = build(history)
        for n in days:
            day = D0 + dt.timedelta(days=n)

            # when
            visible = set(visible_pupils(viewer, day).values_list("pk", flat=True))

            # then
            assert visible == {pupil_ids[i] for i in oracle(history, day)}
        transaction.set_rollback(True)
