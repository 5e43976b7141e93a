"""Bad input gets one typed error naming the field at fault, and changes nothing.

Empty text, files that are not pictures or are too large, ids of the wrong
type or no id at all, goals of another pupil, malformed terms and unknown
subjects: each is refused with VALIDATION, and every writable row is as it
was (`snapshot`).
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from PIL import Image
from strawberry.relay import to_base64

from core.models import LearningLogImage
from core.services import learning
from tests.graphql import run
from tests.workflows import snapshot

pytestmark = pytest.mark.django_db

ERRORS = "errors { code message field }"
ANSWER_SAVE = f"""
mutation($input: AnswerSaveInput!) {{ answerSave(input: $input) {{ answer {{ id }} {ERRORS} }} }}
"""
GOAL_PROPOSE = f"""
mutation($input: GoalProposeInput!) {{ goalPropose(input: $input) {{ goal {{ id }} {ERRORS} }} }}
"""
GOAL_EVALUATE = f"""
mutation($input: GoalEvaluateInput!) {{ goalEvaluate(input: $input) {{ goal {{ id }} {ERRORS} }} }}
"""
ENTRY_CREATE = f"""
mutation($input: LearningLogEntryCreateInput!) {{
  learningLogEntryCreate(input: $input) {{ entry {{ id }} {ERRORS} }}
}}
"""
COMMENT_CREATE = f"""
mutation($input: LearningLogCommentCreateInput!) {{
  learningLogCommentCreate(input: $input) {{ comment {{ id }} {ERRORS} }}
}}
"""
POST_CREATE = f"""
mutation($input: BlogPostCreateInput!) {{
  blogPostCreate(input: $input) {{ post {{ id }} {ERRORS} }}
}}
"""
ASSESSMENT_SAVE = f"""
mutation($input: WrittenAssessmentSaveInput!) {{
  writtenAssessmentSave(input: $input) {{ assessment {{ id }} {ERRORS} }}
}}
"""
PLAN_START = f"""
mutation($input: DevelopmentPlanStartInput!) {{
  developmentPlanStart(input: $input) {{ plan {{ id }} {ERRORS} }}
}}
"""
BLANK = ["", "   \n\t  "]
NOT_A_PICTURE = "images: not a picture; send a JPEG, PNG, WebP or GIF image."


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, "PNG")
    return buffer.getvalue()


def png(name: str = "bild.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def validation(field: str, message: str) -> list[dict[str, str]]:
    return [{"code": "VALIDATION", "message": message, "field": field}]


def refused(field: str, message: str, result: str) -> dict[str, object]:
    """A payload with no `result` and one VALIDATION error."""
    return {result: None, "errors": validation(field, message)}


def entry_input(work, **changes: object) -> dict[str, object]:
    return {"pupilId": work.gid(work.cast.alva), "text": "Vi räknade bråk.", **changes}


def assessment_input(work, **changes: object) -> dict[str, object]:
    return {
        "pupilId": work.gid(work.cast.alva),
        "subjectId": work.gid(work.cast.maths),
        "term": "HT2026",
        "text": "Bra",
        "prognosis": "ON_TRACK",
        "version": work.draft.version,
        **changes,
    }


# Empty and whitespace-only text


@pytest.mark.parametrize("blank", BLANK)
def test_an_empty_answer_is_refused(work, blank):
    # given
    before = snapshot()
    variables = {
        "input": {
            "planId": work.gid(work.plan),
            "questionId": work.gid(work.pupil_question),
            "role": "PUPIL",
            "text": blank,
            "version": work.answer.version,
        }
    }

    # when
    data = run(work.cast["pupil"], ANSWER_SAVE, variables)

    # then
    assert data["answerSave"] == refused("text", "text must not be empty.", "answer")
    assert snapshot() == before


@pytest.mark.parametrize("blank", BLANK)
def test_an_empty_goal_is_refused(work, blank):
    # given
    before = snapshot()
    variables = {"input": {"planId": work.gid(work.plan), "text": blank}}

    # when
    data = run(work.cast["teacher"], GOAL_PROPOSE, variables)

    # then
    assert data["goalPropose"] == refused("text", "text must not be empty.", "goal")
    assert snapshot() == before


@pytest.mark.parametrize("blank", BLANK)
def test_an_empty_learning_log_entry_is_refused(work, blank):
    # given
    before = snapshot()

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, text=blank)})

    # then
    assert data["learningLogEntryCreate"] == refused("text", "text must not be empty.", "entry")
    assert snapshot() == before


@pytest.mark.parametrize("blank", BLANK)
def test_an_empty_comment_is_refused(work, blank):
    # given
    before = snapshot()
    variables = {"input": {"entryId": work.gid(work.entry), "text": blank}}

    # when
    data = run(work.cast["guardian"], COMMENT_CREATE, variables)

    # then
    assert data["learningLogCommentCreate"] == refused(
        "text", "text must not be empty.", "comment"
    )
    assert snapshot() == before


@pytest.mark.parametrize("blank", BLANK)
def test_a_blog_post_with_an_empty_title_is_refused(work, blank):
    # given
    before = snapshot()
    variables = {
        "input": {
            "kind": "GROUP",
            "ownerId": work.gid(work.cast.class_3a),
            "title": blank,
            "body": "Vi var i skogen.",
        }
    }

    # when
    data = run(work.cast["teacher"], POST_CREATE, variables)

    # then
    assert data["blogPostCreate"] == refused("title", "title must not be empty.", "post")
    assert snapshot() == before


@pytest.mark.parametrize("blank", BLANK)
def test_a_blog_post_with_an_empty_body_is_refused(work, blank):
    # given
    before = snapshot()
    variables = {
        "input": {
            "kind": "GROUP",
            "ownerId": work.gid(work.cast.class_3a),
            "title": "Utflykt",
            "body": blank,
        }
    }

    # when
    data = run(work.cast["teacher"], POST_CREATE, variables)

    # then
    assert data["blogPostCreate"] == refused("body", "body must not be empty.", "post")
    assert snapshot() == before


@pytest.mark.parametrize("blank", BLANK)
def test_an_empty_written_assessment_is_refused(work, blank):
    # given
    before = snapshot()
    variables = {"input": assessment_input(work, text=blank)}

    # when
    data = run(work.cast["teacher"], ASSESSMENT_SAVE, variables)

    # then
    assert data["writtenAssessmentSave"] == refused(
        "text", "text must not be empty.", "assessment"
    )
    assert snapshot() == before


# Files that are not acceptable pictures


def test_a_ten_megabyte_picture_is_refused(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    data = png_bytes()
    huge = SimpleUploadedFile("stor.png", data + bytes(10_000_000 - len(data)), "image/png")
    before = snapshot()

    # when
    result = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, images=[huge])})

    # then
    assert result["learningLogEntryCreate"] == refused(
        "images", "images: an image may be at most 5 MB.", "entry"
    )
    assert snapshot() == before
    assert list(tmp_path.iterdir()) == []


def test_a_pdf_named_like_a_jpeg_is_refused(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    pdf = SimpleUploadedFile(
        "photo.jpg", b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n", content_type="image/jpeg"
    )
    before = snapshot()

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, images=[pdf])})

    # then
    assert data["learningLogEntryCreate"] == refused("images", NOT_A_PICTURE, "entry")
    assert snapshot() == before
    assert list(tmp_path.iterdir()) == []


def test_a_text_file_is_refused(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    notes = SimpleUploadedFile("notes.txt", b"Alva har lekt hela dagen.\n", "text/plain")
    before = snapshot()

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, images=[notes])})

    # then
    assert data["learningLogEntryCreate"] == refused("images", NOT_A_PICTURE, "entry")
    assert snapshot() == before


def test_a_truncated_png_is_refused(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    data = png_bytes()
    truncated = SimpleUploadedFile("halv.png", data[: len(data) // 2], content_type="image/png")
    before = snapshot()

    # when
    result = run(
        work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, images=[truncated])}
    )

    # then
    assert result["learningLogEntryCreate"] == refused("images", NOT_A_PICTURE, "entry")
    assert snapshot() == before


def test_one_bad_picture_among_good_ones_stores_none_of_them(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    notes = SimpleUploadedFile("notes.txt", b"inte en bild", "text/plain")
    before = snapshot()

    # when
    data = run(
        work.cast["teacher"],
        ENTRY_CREATE,
        {"input": entry_input(work, images=[png(), png(), notes])},
    )

    # then
    assert data["learningLogEntryCreate"] == refused("images", NOT_A_PICTURE, "entry")
    assert snapshot() == before
    assert list(tmp_path.iterdir()) == []


def test_more_than_ten_pictures_are_refused(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    before = snapshot()
    pictures = [png(f"bild{n}.png") for n in range(11)]

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, images=pictures)})

    # then
    assert data["learningLogEntryCreate"] == refused("images", "At most 10 pictures.", "entry")
    assert snapshot() == before
    assert list(tmp_path.iterdir()) == []


def test_more_than_ten_blog_photos_are_refused(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    before = snapshot()
    variables = {
        "input": {
            "kind": "GROUP",
            "ownerId": work.gid(work.cast.class_3a),
            "title": "Utflykt",
            "body": "Vi var i skogen.",
            "images": [png(f"bild{n}.png") for n in range(11)],
        }
    }

    # when
    data = run(work.cast["teacher"], POST_CREATE, variables)

    # then
    assert data["blogPostCreate"] == refused("images", "At most 10 pictures.", "post")
    assert snapshot() == before


# Ids of the wrong type, malformed ids, goals of another pupil


def test_a_goal_id_as_plan_id_is_refused(work):
    # given
    before = snapshot()
    variables = {"input": {"planId": work.gid(work.goal), "text": "Skriva mer"}}

    # when
    data = run(work.cast["teacher"], GOAL_PROPOSE, variables)

    # then
    assert data["goalPropose"] == refused(
        "planId", "planId must be the id of a DevelopmentPlan, not a Goal.", "goal"
    )
    assert snapshot() == before


def test_a_pupil_id_as_goal_id_is_refused(work):
    # given
    before = snapshot()
    variables = {
        "input": {
            "goalId": work.gid(work.cast.alva),
            "version": work.goal.version,
            "evaluation": "Det gick bra.",
        }
    }

    # when
    data = run(work.cast["teacher"], GOAL_EVALUATE, variables)

    # then
    assert data["goalEvaluate"] == refused(
        "goalId", "goalId must be the id of a Goal, not a Pupil.", "goal"
    )
    assert snapshot() == before


def test_a_pupil_id_among_goal_ids_is_refused(work):
    # given
    before = snapshot()
    variables = {
        "input": entry_input(work, goalIds=[work.gid(work.goal), work.gid(work.cast.alva)])
    }

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, variables)

    # then
    assert data["learningLogEntryCreate"] == refused(
        "goalIds", "goalIds must be the id of a Goal, not a Pupil.", "entry"
    )
    assert snapshot() == before


@pytest.mark.parametrize("malformed", ["not-an-id", "", to_base64("Pupil", "alva")])
def test_a_malformed_id_is_refused(work, malformed):
    # given
    before = snapshot()

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, pupilId=malformed)})

    # then
    assert data["learningLogEntryCreate"] == refused("pupilId", "pupilId is not an id.", "entry")
    assert snapshot() == before


def test_a_goal_of_another_pupil_is_refused_in_a_log_entry(work):
    # given
    before = snapshot()
    variables = {
        "input": entry_input(work, goalIds=[work.gid(work.goal), work.gid(work.elis_goal)])
    }

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, variables)

    # then
    assert data["learningLogEntryCreate"] == refused(
        "goalIds", "A goal is not one of the pupil's goals.", "entry"
    )
    assert snapshot() == before


# Malformed terms and unknown subjects


@pytest.mark.parametrize("term", ["Höst 2026", "HT26", "ht2026", "HT2026 ", "ST2026"])
def test_a_malformed_term_is_refused_for_an_assessment(work, term):
    # given
    before = snapshot()

    # when
    data = run(work.cast["teacher"], ASSESSMENT_SAVE, {"input": assessment_input(work, term=term)})

    # then
    assert data["writtenAssessmentSave"] == refused(
        "term", "A term is HT or VT and a year, e.g. HT2026.", "assessment"
    )
    assert snapshot() == before


def test_a_malformed_term_is_refused_for_a_plan(work):
    # given
    before = snapshot()
    variables = {"input": {"pupilId": work.gid(work.cast.alva), "term": "2027VT"}}

    # when
    data = run(work.cast["mentor"], PLAN_START, variables)

    # then
    assert data["developmentPlanStart"] == refused(
        "term", "A term is HT or VT and a year, e.g. HT2026.", "plan"
    )
    assert snapshot() == before


def test_an_unknown_subject_is_refused_for_an_assessment(work):
    # given
    before = snapshot()
    unknown = to_base64("Subject", 999_999)

    # when
    data = run(
        work.cast["teacher"], ASSESSMENT_SAVE, {"input": assessment_input(work, subjectId=unknown)}
    )

    # then
    assert data["writtenAssessmentSave"] == refused("subjectId", "Unknown subject.", "assessment")
    assert snapshot() == before


def test_an_unknown_subject_is_refused_for_a_goal(work):
    # given
    before = snapshot()
    variables = {
        "input": {
            "planId": work.gid(work.plan),
            "text": "Skriva mer",
            "subjectIds": [work.gid(work.cast.maths), to_base64("Subject", 999_999)],
        }
    }

    # when
    data = run(work.cast["teacher"], GOAL_PROPOSE, variables)

    # then
    assert data["goalPropose"] == refused("subjectIds", "Unknown subject.", "goal")
    assert snapshot() == before


def test_pictures_already_stored_are_removed_when_the_write_fails(
    work, settings, tmp_path, monkeypatch
):
    # given
    settings.MEDIA_ROOT = tmp_path
    create = LearningLogImage.objects.create
    calls: list[int] = []

    def fail_on_the_second(**fields: object) -> LearningLogImage:
        calls.append(1)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return create(**fields)

    monkeypatch.setattr(LearningLogImage.objects, "create", fail_on_the_second)
    before = snapshot()

    # when
    with pytest.raises(DatabaseError):
        learning.learning_log_entry_create(
            actor=work.cast["teacher"],
            pupil_id=work.cast.alva.pk,
            text_="Bilder",
            images=[png("a.png"), png("b.png")],
        )

    # then
    assert ([p for p in tmp_path.rglob("*") if p.is_file()], snapshot() == before) == ([], True)


def test_a_huge_id_in_a_list_is_refused(work):
    # given
    huge = to_base64("Goal", 2**64)

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, goalIds=[huge])})

    # then
    assert data["learningLogEntryCreate"] == refused("goalIds", "goalIds is not an id.", "entry")


def test_text_with_a_nul_character_is_refused(work):
    # given
    before = snapshot()

    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, text="a\x00b")})

    # then
    assert data["learningLogEntryCreate"] == refused(
        "text", "text holds a NUL character.", "entry"
    )
    assert snapshot() == before


def test_pictures_sent_as_plain_values_are_refused(work):
    # when
    data = run(work.cast["teacher"], ENTRY_CREATE, {"input": entry_input(work, images=["abc"])})

    # then
    assert data["learningLogEntryCreate"] == refused(
        "images", "images: send the file as a multipart upload.", "entry"
    )
