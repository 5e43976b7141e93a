"""What a save costs in SQL, pinned so a change that adds queries is noticed.

A class-wide assessment save checks permission per row (each row stands
alone, as one save would), so it grows by a fixed number of queries per
pupil; a single save costs a fixed number.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry.relay import to_base64

from tests.factories import GroupMembershipFactory, PupilFactory
from tests.graphql import run

pytestmark = pytest.mark.django_db

ANSWER_SAVE = """mutation($input: AnswerSaveInput!) { answerSave(input: $input) {
    answer { text version } errors { code } } }"""
SAVE_FOR_GROUP = """mutation($input: WrittenAssessmentsSaveForGroupInput!) {
    writtenAssessmentsSaveForGroup(input: $input) { rows { errors { code } } errors { code } } }"""


def test_an_answer_costs_a_fixed_number_of_queries(work):
    # given
    answer = {
        "planId": work.gid(work.plan),
        "questionId": work.gid(work.pupil_question),
        "role": "PUPIL",
        "text": "Läsa",
        "version": 1,
    }

    # when
    with CaptureQueriesContext(connection) as captured:
        data = run(work.cast["pupil"], ANSWER_SAVE, {"input": answer})

    # then
    assert (data["answerSave"]["errors"], len(captured)) == ([], 8), "\n".join(
        q["sql"] for q in captured
    )


@pytest.mark.parametrize(("size", "queries"), [(2, 27), (6, 75)])
def test_a_class_save_costs_a_fixed_number_of_queries_per_pupil(work, size, queries):
    # given
    for _ in range(size - 2):
        GroupMembershipFactory(
            group=work.cast.class_3a, pupil=PupilFactory(school=work.cast.school)
        )
    pupils = work.cast.class_3a.memberships.order_by("pk").values_list("pupil_id", flat=True)
    rows = [
        {
            "pupilId": to_base64("Pupil", pk),
            "text": "Bra",
            "prognosis": "ON_TRACK",
            "version": 1 if pk == work.cast.alva.pk else None,
        }
        for pk in pupils
    ]
    query = {
        "groupId": work.gid(work.cast.class_3a, "Group"),
        "subjectId": work.gid(work.cast.maths),
        "term": "HT2026",
        "rows": rows,
    }

    # when
    with CaptureQueriesContext(connection) as captured:
        data = run(work.cast["teacher"], SAVE_FOR_GROUP, {"input": query})

    # then
    result = data["writtenAssessmentsSaveForGroup"]
    assert (result["errors"], [r["errors"] for r in result["rows"]]) == ([], [[]] * size)
    assert len(captured) == queries
