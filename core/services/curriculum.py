"""Loading the curriculum data file into the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from core.models import (
    Curriculum,
    KnowledgeRequirement,
    PlanSection,
    PlanTemplate,
    PreparationQuestion,
    Subject,
)

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "curriculum.json"


def curriculum_load(*, path: Path = DATA_FILE) -> dict[str, int]:
    """Upsert curricula, subjects (by code), requirements (by code) and IUP templates.

    Subjects already imported from SS 12000 syllabuses are matched by their
    subject code and tied to the curriculum, so no subject is duplicated.
    Returns how many rows were created per kind; a second load creates none.
    """
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    created = {"curricula": 0, "subjects": 0, "requirements": 0, "templates": 0}
    with transaction.atomic():
        for item in data["curricula"]:
            curriculum, made = Curriculum.objects.update_or_create(
                code=item["code"], defaults={"name": item["name"]}
            )
            created["curricula"] += made
            for subject_item in item["subjects"]:
                subject, made = _subject(curriculum, subject_item)
                created["subjects"] += made
                created["requirements"] += _requirements(subject, subject_item["requirements"])
        for item in data.get("templates", []):
            created["templates"] += _template(item)
    return created


def _subject(curriculum: Curriculum, item: dict[str, Any]) -> tuple[Subject, bool]:
    subject = Subject.objects.filter(code=item["code"]).order_by("pk").first()
    if subject is None:
        return Subject.objects.create(
            curriculum=curriculum, code=item["code"], name=item["name"]
        ), True
    if subject.curriculum_id != curriculum.pk:
        subject.curriculum = curriculum
        subject.save(update_fields=["curriculum"])
    return subject, False


def _requirements(subject: Subject, items: list[dict[str, Any]]) -> int:
    made = 0
    for item in items:
        _, new = KnowledgeRequirement.objects.update_or_create(
            subject=subject,
            code=item["code"],
            defaults={"stage": item["stage"], "text": item["text"]},
        )
        made += new
    return made


def _template(item: dict[str, Any]) -> int:
    """Create a template version once; a loaded version is never changed.

    Plans keep the template version they began with, so changing questions
    means adding a new version to the data file, not editing an old one.
    """
    if PlanTemplate.objects.filter(name=item["name"], version=item["version"]).exists():
        return 0
    template = PlanTemplate.objects.create(
        name=item["name"], version=item["version"], school_form=item["school_form"]
    )
    for order, section_item in enumerate(item["sections"], start=1):
        section = PlanSection.objects.create(
            template=template, order=order, title=section_item["title"]
        )
        PreparationQuestion.objects.bulk_create(
            PreparationQuestion(section=section, order=n, text=q["text"], roles=q["roles"])
            for n, q in enumerate(section_item["questions"], start=1)
        )
    return 1
