"""Written assessments and the learning log."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry
import strawberry_django
from django.urls import reverse
from strawberry import relay

from core.models import LearningLogComment, LearningLogEntry, LearningLogImage, WrittenAssessment
from core.selectors import pages
from schema.common import person_field
from schema.context import scoped
from schema.enums import PrognosisEnum
from schema.plans.types import GoalType
from schema.teaching.types import SubjectType

if TYPE_CHECKING:
    from schema.roster.types import PupilType

LazyPupil = Annotated["PupilType", strawberry.lazy("schema.roster.types")]


@strawberry_django.filter_type(WrittenAssessment, description="Narrow a pupil's assessments.")
class WrittenAssessmentFilter:
    term: str | None = strawberry_django.filter_field(description="Only this term.")
    subject: relay.GlobalID | None = strawberry_django.filter_field(
        description="Only this subject."
    )


@strawberry_django.type(
    WrittenAssessment,
    name="WrittenAssessment",
    description="A written assessment (skriftligt omdöme) in a subject for a term. "
    "Pupil and guardians see it once published; teachers and mentors see drafts.",
)
class WrittenAssessmentType(relay.Node):
    subject: SubjectType = strawberry_django.field(description="The subject assessed.")
    term: str = strawberry_django.field(description="E.g. 'HT2026'.")
    text: str = strawberry_django.field(description="The assessment in words.")
    prognosis: PrognosisEnum = strawberry_django.field(
        description="On track, or at risk of not reaching the requirements "
        "(which calls for considering an action programme)."
    )
    published_at: dt.datetime | None = strawberry_django.field(
        description="When it was published; null for a draft."
    )
    version: int = strawberry_django.field(description="Send it back when saving an edit.")
    updated_at: dt.datetime = strawberry_django.field(description="When it last changed.")
    author = person_field("author", "The teacher who wrote it.")
    pupil: LazyPupil = strawberry_django.field(description="Whose assessment it is.")

    get_queryset = scoped(pages.assessments)


@strawberry_django.type(
    LearningLogImage, name="LearningLogImage", description="A picture in a learning-log entry."
)
class LearningLogImageType(relay.Node):
    width: int = strawberry_django.field(description="In pixels.")
    height: int = strawberry_django.field(description="In pixels.")

    @strawberry_django.field(description="Where readers of the entry fetch it; others get 404.")
    def url(self, root: LearningLogImage) -> str:
        return reverse("learning-log-image", args=[root.pk])

    get_queryset = scoped(lambda v: pages.pupil_page(v, "entry__pupil"))


@strawberry_django.type(
    LearningLogComment, name="LearningLogComment", description="A comment on a log entry."
)
class LearningLogCommentType(relay.Node):
    text: str = strawberry_django.field(description="The comment.")
    created_at: dt.datetime = strawberry_django.field(description="When it was written.")
    author = person_field("author", "Who wrote it.")

    get_queryset = scoped(lambda v: pages.pupil_page(v, "entry__pupil"))


@strawberry_django.order_type(LearningLogEntry, description="Order a learning log.")
class LearningLogOrder:
    created_at: strawberry.auto = strawberry_django.order_field(description="By when written.")


@strawberry_django.type(
    LearningLogEntry,
    name="LearningLogEntry",
    description="An entry in the pupil's learning log (lärlogg), by the pupil or staff.",
)
class LearningLogEntryType(relay.Node):
    text: str = strawberry_django.field(description="The entry.")
    version: int = strawberry_django.field(description="Send it back when saving an edit.")
    created_at: dt.datetime = strawberry_django.field(description="When it was written.")
    author = person_field("author", "Who wrote it.")
    images: list[LearningLogImageType] = strawberry_django.field(description="Its pictures.")
    comments: list[LearningLogCommentType] = strawberry_django.field(
        description="Comments, oldest first."
    )
    goals: list[GoalType] = strawberry_django.field(description="Goals it is linked to.")
    pupil: LazyPupil = strawberry_django.field(description="Whose log it is in.")

    get_queryset = scoped(pages.pupil_page)
