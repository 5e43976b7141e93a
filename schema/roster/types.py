"""Pupils, groups and schools as Relay nodes, scoped to what the viewer may see.

Every type narrows its rows in `get_queryset` through `permissions.relations`,
so root lists, connections, nested lists and `node(id:)` all show only what
the viewer may read; a hidden row answers exactly like a missing one. No
type exposes a forward key to a scoped type the viewer might not read: with
the optimizer off, strawberry-django would follow such a key without
`get_queryset`. (A plan's `pupil` is safe: the plan is readable only when
the pupil is.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
import strawberry_django
from django.core.exceptions import ValidationError
from django.db.models import Q
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from core.models import BlogKind, BlogPost, Group, Pupil, School
from core.models.plans import term_validator
from core.selectors import pages
from core.selectors.classlist import (
    Address,
    ClassMember,
    GuardianLine,
    class_members,
    group_pupils,
)
from core.selectors.overview import current_term, group_overview
from permissions.relations import visible_groups, visible_pupils, visible_schools
from permissions.rules import shown_name
from schema.arguments import argument_error
from schema.blogs.types import BlogPostType
from schema.context import Info, scoped, viewer
from schema.enums import GroupKindEnum, SchoolFormEnum
from schema.learning.types import (
    LearningLogEntryType,
    LearningLogOrder,
    WrittenAssessmentFilter,
    WrittenAssessmentType,
)
from schema.overview.types import GroupOverview, group_overview_type
from schema.plans.types import DevelopmentPlanFilter, DevelopmentPlanType
from schema.teaching.types import MatrixMarkType, TeachingPlanType


@strawberry_django.type(School, name="School", description="A school unit (skolenhet).")
class SchoolType(relay.Node):
    name: str = strawberry_django.field(description="The school's name.")
    school_unit_code: str = strawberry_django.field(description="Skolverket's skolenhetskod.")

    @strawberry_django.connection(
        DjangoListConnection[BlogPostType],
        description="The school blog, newest first; for the school's families and staff.",
    )
    def blog(self, root: School) -> Iterable[BlogPost]:
        return pages.posts(BlogKind.SCHOOL, school_id=root.pk)

    get_queryset = scoped(lambda v: Q(pk__in=visible_schools(v).values("pk")))


@strawberry.type(description="A guardian in a class or contact list.")
class ListedGuardian:
    name: str = strawberry.field(description="The guardian's name.")
    email: str | None = strawberry.field(description="Null where hidden from the viewer.")
    phone: str | None = strawberry.field(description="Null where hidden from the viewer.")
    address: str | None = strawberry.field(
        description="Street, postal code and locality: for the guardian and the pupils' "
        "staff, never for other families; null where hidden from the viewer."
    )


@strawberry.type(description="A pupil in a class or contact list, with the guardians shown.")
class ListedPupil:
    name: str = strawberry.field(description="The pupil's name.")
    guardians: list[ListedGuardian] = strawberry.field(description="Guardians, by name.")


def _listed(members: list[ClassMember]) -> list[ListedPupil]:
    def guardian(line: GuardianLine) -> ListedGuardian:
        address = None if line.address is None else _address(line.address)
        return ListedGuardian(name=line.name, email=line.email, phone=line.phone, address=address)

    return [
        ListedPupil(name=m.name, guardians=[guardian(g) for g in m.guardians]) for m in members
    ]


def _address(address: Address) -> str:
    place = " ".join(part for part in (address.postal_code, address.locality) if part)
    return ", ".join(part for part in (address.street, place) if part)


@strawberry_django.type(
    Pupil, name="Pupil", description="A child in preschool or a pupil in school."
)
class PupilType(relay.Node):
    school_form: SchoolFormEnum | None = strawberry_django.field(
        description="The school form the pupil is in."
    )
    school_year: int | None = strawberry_django.field(description="Årskurs; none in preschool.")
    development_plans: list[DevelopmentPlanType] = strawberry_django.field(
        field_name="plans",
        filters=DevelopmentPlanFilter,
        description="Development plans (IUP), one per term.",
    )
    assessments: list[WrittenAssessmentType] = strawberry_django.field(
        filters=WrittenAssessmentFilter,
        description="Written assessments: published ones, and drafts for teachers and mentors.",
    )
    learning_log: DjangoListConnection[LearningLogEntryType] = strawberry_django.connection(
        field_name="log_entries",
        order=LearningLogOrder,
        description="The learning log (lärlogg).",
    )
    private_blog: DjangoListConnection[BlogPostType] = strawberry_django.connection(
        field_name="private_posts", description="The pupil's private blog: the pupil's alone."
    )
    matrix_marks: list[MatrixMarkType] = strawberry_django.field(
        description="Levels reached in assessment matrices."
    )

    @strawberry_django.field(
        description="The pupil's name; only people with a role toward the pupil see a pupil.",
        only=["person__given_name", "person__family_name", "person__security_marking"],
        select_related=["person"],
    )
    def name(self, root: Pupil, info: Info) -> str:
        return shown_name(viewer(info), root)

    get_queryset = scoped(lambda v: Q(pk__in=visible_pupils(v).values("pk")))


@strawberry_django.type(
    Group, name="Group", description="A class, preschool department or teaching group."
)
class GroupType(relay.Node):
    name: str = strawberry_django.field(description="E.g. '3A' or 'Avdelning Humlan'.")
    kind: GroupKindEnum = strawberry_django.field(description="What the group is for.")
    school_year: int | None = strawberry_django.field(
        description="Årskurs, where the group has one."
    )
    school: SchoolType = strawberry_django.field(
        description="The school the group belongs to (readable whenever the group is)."
    )
    teaching_plans: list[TeachingPlanType] = strawberry_django.field(
        description="Teaching plans (LPP) for the group."
    )

    @strawberry_django.connection(
        DjangoListConnection[PupilType],
        description="The group's pupils today whose pages the viewer may read.",
    )
    def pupils(self, root: Group) -> Iterable[Pupil]:
        return group_pupils(root.pk)

    @strawberry_django.field(
        description="Names of the group's pupils and their guardians, for the group's "
        "pupils, guardians and staff; empty for anyone else. Protected identities are left out."
    )
    def class_list(self, root: Group, info: Info) -> list[ListedPupil]:
        return _listed(class_members(viewer(info), root, contacts=False))

    @strawberry_django.field(
        description="The class list with guardians' phone, email and address. The staff of "
        "the pupils see them all; a guardian sees their own, and the phone and email of "
        "families who chose to show them to the class, never another family's address. "
        "Empty for anyone else."
    )
    def contact_list(self, root: Group, info: Info) -> list[ListedPupil]:
        return _listed(class_members(viewer(info), root, contacts=True))

    @strawberry_django.connection(
        DjangoListConnection[BlogPostType], description="The class blog, newest first."
    )
    def blog(self, root: Group) -> Iterable[BlogPost]:
        return pages.posts(BlogKind.GROUP, group_id=root.pk)

    @strawberry_django.connection(
        DjangoListConnection[BlogPostType],
        description="Preschool documentation for the department, newest first.",
    )
    def documentation(self, root: Group) -> Iterable[BlogPost]:
        return pages.posts(BlogKind.DOCUMENTATION, group_id=root.pk)

    @strawberry_django.field(
        description="For the group's teachers and mentors and the school's leaders: every "
        "pupil with the term's plan progress, goals by status, published assessments at "
        "risk and the latest learning-log entry. Null for anyone else."
    )
    def overview(
        self,
        root: Group,
        info: Info,
        term: Annotated[
            str | None,
            strawberry.argument(description="E.g. 'HT2026'; the current term if left out."),
        ] = None,
    ) -> GroupOverview | None:
        term = term or current_term()
        try:
            term_validator(term)
        except ValidationError as error:
            raise argument_error("term", error.messages[0]) from None
        rows = group_overview(viewer(info), root, term)
        return None if rows is None else group_overview_type(term, rows)

    get_queryset = scoped(lambda v: Q(pk__in=visible_groups(v).values("pk")))
