"""A class's written assessments saved in one call, each row on its own.

Tove teaches 3A maths (Alva, Elis and, here, Ebba); Nora is in 3B. A row
is saved, or refused with its pupil and a reason while the others are
saved; a draft stays hidden from the pupil and guardians until published.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Max

from core.models import Prognosis, Pupil, User, WrittenAssessment
from core.services.assessments import (
    AssessmentRow,
    RowResult,
    written_assessments_save_for_group,
)
from core.services.errors import Invalid, NotFound
from tests.cast import Cast
from tests.factories import GroupMembershipFactory, PupilFactory
from tests.graphql import run
from tests.workflows import Work

pytestmark = pytest.mark.django_db

ON_TRACK, AT_RISK = Prognosis.ON_TRACK, Prognosis.AT_RISK
NODE = """query($id: ID!) { node(id: $id) { ... on WrittenAssessment {
    text prognosis version publishedAt } } }"""
SAVE = """mutation($input: WrittenAssessmentSaveInput!) { writtenAssessmentSave(input: $input) {
    assessment { text prognosis version } errors { code message field } } }"""
PUBLISH = """mutation($input: WrittenAssessmentPublishInput!) {
    writtenAssessmentPublish(input: $input) {
        assessment { publishedAt } errors { code message field } } }"""
SAVE_FOR_GROUP = """mutation($input: WrittenAssessmentsSaveForGroupInput!) {
    writtenAssessmentsSaveForGroup(input: $input) {
        rows { pupilId assessment { text prognosis version } errors { code message field } }
        errors { code message field } } }"""


@pytest.fixture
def ebba(work: Work) -> Pupil:
    """A third pupil of 3A, whose maths assessment is already at version 2."""
    pupil = PupilFactory(
        person__given_name="Ebba", person__family_name="Elev", school=work.cast.school
    )
    GroupMembershipFactory(group=work.cast.class_3a, pupil=pupil, start_date=dt.date(2026, 8, 15))
    WrittenAssessment.objects.create(
        pupil=pupil,
        subject=work.cast.maths,
        term="HT2026",
        text="Räknar",
        version=2,
        prognosis=ON_TRACK,
        author=_user(work.cast, "teacher"),
    )
    return pupil


def _user(cast: Cast, member: str) -> User:
    user = cast[member]
    assert isinstance(user, User)
    return user


def _save(
    cast: Cast, member: str, rows: list[AssessmentRow], *, publish: bool = False
) -> list[RowResult]:
    return written_assessments_save_for_group(
        actor=_user(cast, member),
        group_id=cast.class_3a.pk,
        subject_id=cast.maths.pk,
        term="HT2026",
        rows=rows,
        publish=publish,
    )


def _outcomes(results: list[RowResult]) -> list[tuple[Any, ...]]:
    """Per row: the pupil, what was saved (text, prognosis, version) or the error."""
    return [
        (
            result.pupil_id,
            None
            if result.assessment is None
            else (result.assessment.text, result.assessment.prognosis, result.assessment.version),
            None
            if result.error is None
            else (result.error.code, result.error.message, result.error.field),
        )
        for result in results
    ]


def _stored() -> list[tuple[Any, ...]]:
    """Every assessment as (pupil, subject, text, prognosis, version, published)."""
    return [
        (
            row.pupil.person.given_name,
            row.subject.code,
            row.text,
            row.prognosis,
            row.version,
            row.published_at is not None,
        )
        for row in WrittenAssessment.objects.select_related("pupil__person", "subject").order_by(
            "pupil__person__given_name", "subject__code"
        )
    ]


# -- the service --------------------------------------------------------------


def test_a_class_save_saves_the_good_rows_and_reports_each_refused_one(work, ebba):
    # given
    cast = work.cast
    ebba_before = list(WrittenAssessment.objects.filter(pupil=ebba).values_list())
    rows = [
        AssessmentRow(pupil_id=cast.alva.pk, text="Räknar säkert", prognosis=ON_TRACK, version=1),
        AssessmentRow(pupil_id=cast.elis.pk, text=" Behöver stöd ", prognosis=AT_RISK),
        AssessmentRow(pupil_id=cast.nora.pk, text="Bra", prognosis=ON_TRACK),
        AssessmentRow(pupil_id=ebba.pk, text="Skrivet över", prognosis=AT_RISK, version=1),
    ]

    # when
    results = _save(cast, "teacher", rows, publish=True)

    # then
    assert _outcomes(results) == [
        (cast.alva.pk, ("Räknar säkert", ON_TRACK, 2), None),
        (cast.elis.pk, ("Behöver stöd", AT_RISK, 1), None),
        (cast.nora.pk, None, ("not_found", "Not found.", "pupilId")),
        (
            ebba.pk,
            None,
            ("conflict", "Someone else saved a newer version; reload and try again.", None),
        ),
    ]
    assert _stored() == [
        ("Alva", "MA", "Räknar säkert", ON_TRACK, 2, True),
        ("Ebba", "MA", "Räknar", ON_TRACK, 2, False),
        ("Elis", "MA", "Behöver stöd", AT_RISK, 1, True),
    ]
    assert list(WrittenAssessment.objects.filter(pupil=ebba).values_list()) == ebba_before


def test_a_class_save_without_publish_keeps_every_row_a_draft(work):
    # given
    cast = work.cast
    rows = [
        AssessmentRow(pupil_id=cast.alva.pk, text="Räknar säkert", prognosis=ON_TRACK, version=1),
        AssessmentRow(pupil_id=cast.elis.pk, text="Behöver stöd", prognosis=AT_RISK),
    ]

    # when
    results = _save(cast, "teacher", rows)

    # then
    assert [result.error for result in results] == [None, None]
    assert _stored() == [
        ("Alva", "MA", "Räknar säkert", ON_TRACK, 2, False),
        ("Elis", "MA", "Behöver stöd", AT_RISK, 1, False),
    ]


def test_a_row_with_empty_text_is_refused_on_its_own(work):
    # given
    cast = work.cast
    rows = [
        AssessmentRow(pupil_id=cast.alva.pk, text="  ", prognosis=ON_TRACK, version=1),
        AssessmentRow(pupil_id=cast.elis.pk, text="Behöver stöd", prognosis=AT_RISK),
    ]

    # when
    results = _save(cast, "teacher", rows)

    # then
    assert _outcomes(results) == [
        (cast.alva.pk, None, ("validation", "text must not be empty.", "text")),
        (cast.elis.pk, ("Behöver stöd", AT_RISK, 1), None),
    ]
    assert _stored() == [
        ("Alva", "MA", "Bra", ON_TRACK, 1, False),
        ("Elis", "MA", "Behöver stöd", AT_RISK, 1, False),
    ]


def test_the_mentor_who_does_not_teach_maths_learns_nothing_of_the_class(work):
    # given
    cast = work.cast
    rows = [
        AssessmentRow(pupil_id=cast.alva.pk, text="Räknar säkert", prognosis=ON_TRACK, version=1),
        AssessmentRow(pupil_id=cast.elis.pk, text="Behöver stöd", prognosis=AT_RISK),
    ]
    before = _stored()

    # when
    with pytest.raises(NotFound) as refused:
        _save(cast, "mentor", rows, publish=True)

    # then
    assert (refused.value.message, refused.value.field) == ("Not found.", None)
    assert before == _stored() == [("Alva", "MA", "Bra", ON_TRACK, 1, False)]


@pytest.mark.parametrize("member", ["pupil", "guardian"])
def test_a_family_of_the_class_learns_nothing_of_who_is_in_it(work, member):
    # given
    rows = [AssessmentRow(pupil_id=work.cast.elis.pk, text="", prognosis=ON_TRACK)]
    before = _stored()

    # when
    with pytest.raises(NotFound) as refused:
        _save(work.cast, member, rows)

    # then
    assert (refused.value.message, before == _stored()) == ("Not found.", True)


@pytest.mark.parametrize("member", ["stranger", "other_teacher"])
def test_someone_who_cannot_see_the_class_list_gets_not_found_for_the_whole_call(work, member):
    # given
    cast = work.cast
    rows = [AssessmentRow(pupil_id=cast.elis.pk, text="Behöver stöd", prognosis=AT_RISK)]

    # when
    with pytest.raises(NotFound) as refused:
        _save(cast, member, rows)

    # then
    assert (refused.value.code, refused.value.field) == ("not_found", None)
    assert _stored() == [("Alva", "MA", "Bra", ON_TRACK, 1, False)]


def test_more_than_a_hundred_rows_are_refused_whole(work):
    # given
    rows = [AssessmentRow(pupil_id=pk, text="Bra", prognosis=ON_TRACK) for pk in range(1, 102)]

    # when
    with pytest.raises(Invalid) as refused:
        _save(work.cast, "teacher", rows)

    # then
    assert (refused.value.message, refused.value.field) == ("Send between 1 and 100 rows.", "rows")
    assert _stored() == [("Alva", "MA", "Bra", ON_TRACK, 1, False)]


def test_a_hundred_rows_are_taken_row_by_row(work):
    # given
    cast = work.cast
    top = Pupil.objects.aggregate(top=Max("pk"))["top"]
    strangers = list(range(top + 1, top + 100))
    rows = [AssessmentRow(pupil_id=cast.elis.pk, text="Behöver stöd", prognosis=AT_RISK)]
    rows += [AssessmentRow(pupil_id=pk, text="Bra", prognosis=ON_TRACK) for pk in strangers]

    # when
    results = _save(cast, "teacher", rows)

    # then
    assert len(results) == 100
    assert _outcomes(results) == [
        (cast.elis.pk, ("Behöver stöd", AT_RISK, 1), None),
        *((pk, None, ("not_found", "Not found.", "pupilId")) for pk in strangers),
    ]


def test_no_rows_are_refused(work):
    # when
    with pytest.raises(Invalid) as refused:
        _save(work.cast, "teacher", [])

    # then
    assert (refused.value.message, refused.value.field) == ("Send between 1 and 100 rows.", "rows")


def test_two_rows_for_one_pupil_are_refused_whole(work):
    # given
    cast = work.cast
    rows = [
        AssessmentRow(pupil_id=cast.elis.pk, text="Behöver stöd", prognosis=AT_RISK),
        AssessmentRow(pupil_id=cast.alva.pk, text="Räknar säkert", prognosis=ON_TRACK, version=1),
        AssessmentRow(pupil_id=cast.elis.pk, text="Räknar", prognosis=ON_TRACK),
    ]

    # when
    with pytest.raises(Invalid) as refused:
        _save(cast, "teacher", rows)

    # then
    assert (refused.value.message, refused.value.field) == ("A pupil appears in two rows.", "rows")
    assert _stored() == [("Alva", "MA", "Bra", ON_TRACK, 1, False)]


# -- through GraphQL ------------------------------------------------------------


def test_a_draft_is_hidden_from_pupil_and_guardian_until_it_is_published(work):
    # given
    cast, draft = work.cast, {"id": work.gid(work.draft)}
    before = [run(cast[member], NODE, draft)["node"] for member in ("pupil", "guardian")]
    staff = [run(cast[member], NODE, draft)["node"] for member in ("teacher", "mentor")]

    # when
    published = run(
        cast["teacher"], PUBLISH, {"input": {"assessmentId": work.gid(work.draft), "version": 1}}
    )["writtenAssessmentPublish"]

    # then
    published_at = WrittenAssessment.objects.get(pk=work.draft.pk).published_at
    assert published_at is not None
    assert published == {"assessment": {"publishedAt": published_at.isoformat()}, "errors": []}
    assert before == [None, None]
    draft_node = {"text": "Bra", "prognosis": "ON_TRACK", "version": 1, "publishedAt": None}
    assert staff == [draft_node, draft_node]
    after = [run(cast[member], NODE, draft)["node"] for member in ("pupil", "guardian")]
    published_node = {
        "text": "Bra",
        "prognosis": "ON_TRACK",
        "version": 2,
        "publishedAt": published_at.isoformat(),
    }
    assert after == [published_node, published_node]


def test_an_at_risk_prognosis_round_trips(work):
    # given
    cast = work.cast
    new = {
        "pupilId": work.gid(cast.alva, "Pupil"),
        "subjectId": work.gid(cast.maths),
        "term": "VT2027",
        "text": "Bråk är svårt",
        "prognosis": "AT_RISK",
        "publish": True,
    }

    # when
    saved = run(cast["teacher"], SAVE, {"input": new})["writtenAssessmentSave"]

    # then
    assert saved == {
        "assessment": {"text": "Bråk är svårt", "prognosis": "AT_RISK", "version": 1},
        "errors": [],
    }
    stored = WrittenAssessment.objects.get(pupil=cast.alva, term="VT2027")
    assert (stored.prognosis, stored.text) == (AT_RISK, "Bråk är svårt")
    read = run(cast["pupil"], NODE, {"id": work.gid(stored)})["node"]
    assert (read["prognosis"], read["text"]) == ("AT_RISK", "Bråk är svårt")


def test_the_class_save_reports_each_refused_row_under_the_pupil_id_sent(work):
    # given
    cast = work.cast
    alva, elis, nora = (work.gid(pupil, "Pupil") for pupil in (cast.alva, cast.elis, cast.nora))
    group_input = {
        "groupId": work.gid(cast.class_3a, "Group"),
        "subjectId": work.gid(cast.maths),
        "term": "HT2026",
        "rows": [
            {"pupilId": alva, "text": "Räknar säkert", "prognosis": "ON_TRACK"},
            {"pupilId": elis, "text": "Behöver stöd", "prognosis": "AT_RISK"},
            {"pupilId": nora, "text": "Bra", "prognosis": "ON_TRACK"},
        ],
    }

    # when
    data = run(cast["teacher"], SAVE_FOR_GROUP, {"input": group_input})

    # then
    conflict = "Someone else saved a newer version; reload and try again."
    assert data["writtenAssessmentsSaveForGroup"] == {
        "rows": [
            {
                "pupilId": alva,
                "assessment": None,
                "errors": [{"code": "CONFLICT", "message": conflict, "field": None}],
            },
            {
                "pupilId": elis,
                "assessment": {"text": "Behöver stöd", "prognosis": "AT_RISK", "version": 1},
                "errors": [],
            },
            {
                "pupilId": nora,
                "assessment": None,
                "errors": [{"code": "NOT_FOUND", "message": "Not found.", "field": "pupilId"}],
            },
        ],
        "errors": [],
    }
    assert _stored() == [
        ("Alva", "MA", "Bra", ON_TRACK, 1, False),
        ("Elis", "MA", "Behöver stöd", AT_RISK, 1, False),
    ]


def test_the_class_save_of_a_class_one_cannot_see_returns_one_error_and_no_rows(work):
    # given
    cast = work.cast
    group_input = {
        "groupId": work.gid(cast.class_3a, "Group"),
        "subjectId": work.gid(cast.maths),
        "term": "HT2026",
        "rows": [
            {"pupilId": work.gid(cast.elis, "Pupil"), "text": "Bra", "prognosis": "ON_TRACK"}
        ],
    }

    # when
    data = run(cast["other_teacher"], SAVE_FOR_GROUP, {"input": group_input})

    # then
    assert data["writtenAssessmentsSaveForGroup"] == {
        "rows": [],
        "errors": [{"code": "NOT_FOUND", "message": "Not found.", "field": None}],
    }
    assert _stored() == [("Alva", "MA", "Bra", ON_TRACK, 1, False)]
