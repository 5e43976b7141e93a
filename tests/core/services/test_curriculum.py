from __future__ import annotations

import pytest
from django.core.management import call_command

from core.models import KnowledgeRequirement, Subject
from core.services.curriculum import curriculum_load
from tests.factories import SubjectFactory

pytestmark = pytest.mark.django_db


def test_loading_creates_the_curricula_once():
    # when
    first = curriculum_load()
    second = curriculum_load()

    # then
    assert first == {"curricula": 2, "subjects": 10, "requirements": 21, "templates": 2}
    assert second == {"curricula": 0, "subjects": 0, "requirements": 0, "templates": 0}


def test_an_imported_subject_is_tied_to_the_curriculum_not_duplicated():
    # given
    imported = SubjectFactory(code="MA", name="Matematik")

    # when
    curriculum_load()

    # then
    maths = Subject.objects.filter(code="MA")
    assert list(maths.values_list("pk", "curriculum__code")) == [(imported.pk, "Lgr22")]
    assert list(
        KnowledgeRequirement.objects.filter(subject=imported)
        .values_list("code", flat=True)
        .order_by("code")
    ) == ["MA-3-1", "MA-3-2", "MA-6-1", "MA-9-1"]


def test_the_command_reports_what_it_created(capsys):
    # when
    call_command("load_curriculum")

    # then
    assert (
        capsys.readouterr().out.strip()
        == "2 curricula created, 10 subjects created, 21 requirements created, 2 templates created"
    )
