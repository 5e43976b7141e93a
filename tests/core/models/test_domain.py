from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import BlogKind, BlogPost, DevelopmentPlan, PlanTemplate, SchoolForm
from tests.factories import GroupFactory, PupilFactory, UserFactory

pytestmark = pytest.mark.django_db


def _plan(pupil, term: str = "HT2026") -> DevelopmentPlan:
    template = PlanTemplate.objects.get_or_create(
        name="IUP grundskola", school_form=SchoolForm.COMPULSORY
    )[0]
    user = UserFactory()
    return DevelopmentPlan(
        pupil=pupil, term=term, template=template, started_by=user, changed_by=user
    )


def test_a_pupil_has_one_plan_per_term():
    # given
    pupil = PupilFactory()
    _plan(pupil).save()

    # when
    with pytest.raises(IntegrityError), transaction.atomic():
        _plan(pupil).save()

    # then
    assert DevelopmentPlan.objects.count() == 1


@pytest.mark.parametrize("term", ["HT26", "HX2026", "vt2027"])
def test_a_term_is_ht_or_vt_and_a_year(term):
    # given
    plan = _plan(PupilFactory(), term)

    # when
    with pytest.raises(ValidationError) as error:
        plan.full_clean()

    # then
    assert error.value.message_dict == {"term": ["A term is HT or VT and a year, e.g. HT2026."]}


def test_a_blog_post_belongs_to_exactly_what_its_kind_says():
    # given
    group = GroupFactory()
    author = UserFactory()

    # when
    BlogPost.objects.create(
        kind=BlogKind.GROUP, group=group, author=author, title="Utflykt", body="…"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        BlogPost.objects.create(
            kind=BlogKind.SCHOOL, group=group, author=author, title="Fel", body="…"
        )

    # then
    assert list(BlogPost.objects.values_list("title", flat=True)) == ["Utflykt"]
