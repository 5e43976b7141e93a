"""Loading the curriculum data file into the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction

from core.models import Curriculum, KnowledgeRequirement, Subject

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "curriculum.json"


def curriculum_load(*, path: Path = DATA_FILE) -> dict[str, int]:
    """Upsert curricula, subjects (by code) and requirements (by code).

    Subjects already imported from SS 12000 syllabuses are matched by their
    subject code and tied to the curriculum, so no subject is duplicated.
    Returns how many rows were created per kind; a second load creates none.
    """
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    created = {"curricula": 0, "subjects": 0, "requirements": 0}
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
