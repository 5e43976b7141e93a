"""Teaching plans (LPP), assessment matrices and a pupil's marks."""

from __future__ import annotations

import datetime as dt

import strawberry_django
from strawberry import relay

from core.models import AssessmentMatrix, MatrixCriterion, MatrixMark, TeachingPlan
from core.selectors import pages
from schema.context import scoped
from schema.pages.common import person_field
from schema.pages.curriculum import KnowledgeRequirementType, SubjectType


@strawberry_django.type(
    MatrixCriterion, name="MatrixCriterion", description="One row of a matrix."
)
class MatrixCriterionType(relay.Node):
    order: int = strawberry_django.field(description="Position in the matrix.")
    text: str = strawberry_django.field(description="What is assessed.")
    knowledge_requirement: KnowledgeRequirementType | None = strawberry_django.field(
        description="The requirement it is drawn from."
    )
    matrix: AssessmentMatrixType = strawberry_django.field(
        description="The matrix it is a row of (readable whenever the row is)."
    )

    @strawberry_django.field(
        description="One description per level, in the matrix's order.",
        only=["level_descriptions"],
    )
    def level_descriptions(self, root: MatrixCriterion) -> list[str]:
        return [str(text) for text in root.level_descriptions]

    get_queryset = scoped(lambda v: pages.matrices(v, "matrix"))


@strawberry_django.type(
    AssessmentMatrix,
    name="AssessmentMatrix",
    description="An assessment matrix (bedömningsmatris): criteria by level.",
)
class AssessmentMatrixType(relay.Node):
    title: str = strawberry_django.field(description="The matrix's name.")
    subject: SubjectType = strawberry_django.field(description="The subject.")
    criteria: list[MatrixCriterionType] = strawberry_django.field(
        description="Its rows, in order."
    )

    @strawberry_django.field(
        description="Level names in rising order, e.g. E, C, A.", only=["levels"]
    )
    def levels(self, root: AssessmentMatrix) -> list[str]:
        return [str(level) for level in root.levels]

    get_queryset = scoped(pages.matrices)


@strawberry_django.type(
    TeachingPlan,
    name="TeachingPlan",
    description="A local teaching plan (LPP) for a group in a subject; read by the "
    "group's pupils, their guardians and the group's staff.",
)
class TeachingPlanType(relay.Node):
    title: str = strawberry_django.field(description="The plan's name.")
    content: str = strawberry_django.field(description="What the pupils will learn and how.")
    start_date: dt.date | None = strawberry_django.field(description="When it starts.")
    end_date: dt.date | None = strawberry_django.field(description="When it ends.")
    subject: SubjectType = strawberry_django.field(description="The subject.")
    knowledge_requirements: list[KnowledgeRequirementType] = strawberry_django.field(
        description="The requirements it works toward."
    )
    matrices: list[AssessmentMatrixType] = strawberry_django.field(
        description="Matrices used to assess it."
    )
    author = person_field("author", "Who wrote it.")

    get_queryset = scoped(pages.teaching_plans)


@strawberry_django.type(
    MatrixMark, name="MatrixMark", description="The level a pupil has reached on a criterion."
)
class MatrixMarkType(relay.Node):
    criterion: MatrixCriterionType = strawberry_django.field(description="The criterion.")
    level: int = strawberry_django.field(description="Index into the matrix's levels, from 0.")
    marked_at: dt.datetime = strawberry_django.field(description="When it was set.")
    marked_by = person_field("marked_by", "The teacher who set it.")

    @strawberry_django.field(
        description="The name of the level reached, e.g. 'C'.",
        select_related=["criterion__matrix"],
        only=["level", "criterion__matrix__levels"],
    )
    def level_name(self, root: MatrixMark) -> str:
        levels = root.criterion.matrix.levels
        return str(levels[root.level]) if root.level < len(levels) else ""

    get_queryset = scoped(pages.pupil_page)
