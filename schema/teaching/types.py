"""Teaching plans (LPP), assessment matrices, a pupil's marks, and the curriculum.

The curriculum and IUP templates (subjects, knowledge requirements, plan
templates with their sections and preparation questions) are shared
reference data for anyone signed in; plans and matrices draw on them.
"""

from __future__ import annotations

import datetime as dt

import strawberry_django
from strawberry import relay

from core.models import (
    AssessmentMatrix,
    KnowledgeRequirement,
    MatrixCriterion,
    MatrixMark,
    PlanSection,
    PlanTemplate,
    PreparationQuestion,
    QuestionRole,
    Subject,
    TeachingPlan,
)
from core.selectors import pages
from schema.common import person_field
from schema.context import scoped
from schema.enums import QuestionRoleEnum, SchoolFormEnum


@strawberry_django.type(
    Subject, name="Subject", description="A school subject (ämne) or a preschool goal area."
)
class SubjectType(relay.Node):
    name: str = strawberry_django.field(description="E.g. 'Matematik'.")
    code: str = strawberry_django.field(description="Skolverket's subject code, e.g. 'MA'.")
    knowledge_requirements: list[KnowledgeRequirementType] = strawberry_django.field(
        description="Requirements and goals in the subject, by stage."
    )

    @strawberry_django.field(
        description="The curriculum's code, e.g. 'Lgr22' or 'Lpfö18'.",
        select_related=["curriculum"],
    )
    def curriculum(self, root: Subject) -> str | None:
        return root.curriculum.code if root.curriculum is not None else None

    get_queryset = scoped(pages.reference_data)


@strawberry_django.type(
    KnowledgeRequirement,
    name="KnowledgeRequirement",
    description="A knowledge requirement or preschool goal, in the curriculum's words.",
)
class KnowledgeRequirementType(relay.Node):
    code: str = strawberry_django.field(description="A stable code, e.g. 'MA-6-1'.")
    stage: int | None = strawberry_django.field(
        description="The last school year of the stage (3, 6 or 9); none in preschool."
    )
    text: str = strawberry_django.field(description="What the pupil is to show.")
    subject: SubjectType = strawberry_django.field(description="The subject it belongs to.")

    get_queryset = scoped(pages.reference_data)


@strawberry_django.type(
    PreparationQuestion,
    name="PreparationQuestion",
    description="A question put to one or more roles before the development talk.",
)
class PreparationQuestionType(relay.Node):
    order: int = strawberry_django.field(description="Position in its section.")
    text: str = strawberry_django.field(description="The question.")

    @strawberry_django.field(description="The roles the question is put to.", only=["roles"])
    def roles(self, root: PreparationQuestion) -> list[QuestionRoleEnum]:
        return [QuestionRole(role) for role in root.roles]

    get_queryset = scoped(pages.reference_data)


@strawberry_django.type(
    PlanSection, name="PlanSection", description="A section of a template, e.g. 'Om mig'."
)
class PlanSectionType(relay.Node):
    order: int = strawberry_django.field(description="Position in the template.")
    title: str = strawberry_django.field(description="The section's heading.")
    questions: list[PreparationQuestionType] = strawberry_django.field(
        description="The section's questions, in order."
    )

    get_queryset = scoped(pages.reference_data)


@strawberry_django.type(
    PlanTemplate,
    name="PlanTemplate",
    description="A versioned IUP template; a plan keeps the version it began with.",
)
class PlanTemplateType(relay.Node):
    name: str = strawberry_django.field(description="The template's name.")
    version: int = strawberry_django.field(description="Raised when the template changes.")
    school_form: SchoolFormEnum = strawberry_django.field(description="The school form it is for.")
    is_active: bool = strawberry_django.field(description="Whether new plans may use it.")
    sections: list[PlanSectionType] = strawberry_django.field(
        description="The sections, in order."
    )

    get_queryset = scoped(pages.reference_data)


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
