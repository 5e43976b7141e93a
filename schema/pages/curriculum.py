"""The curriculum and IUP templates: shared reference data for anyone signed in."""

from __future__ import annotations

import strawberry_django
from strawberry import relay

from core.models import (
    KnowledgeRequirement,
    PlanSection,
    PlanTemplate,
    PreparationQuestion,
    QuestionRole,
    Subject,
)
from core.selectors import pages
from schema.context import scoped
from schema.pages.enums import QuestionRoleEnum, SchoolFormEnum


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
