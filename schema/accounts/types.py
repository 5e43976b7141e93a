"""The signed-in viewer and their tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from core.models import ApiToken, Group, Pupil, School, User
from core.selectors.accounts import children_of, terms_pending
from core.selectors.notices import unread_count
from permissions.relations import Role, visible_groups, visible_schools
from permissions.roles import viewer_roles
from schema.accounts.settings import SettingsType
from schema.enums import choices_enum
from schema.roster.types import GroupType, PupilType, SchoolType

RoleEnum = choices_enum(
    Role,
    "Role",
    "A viewer's standing toward a pupil, group or school.",
    labels={
        Role.PUPIL: "The pupil themself.",
        Role.GUARDIAN: "A custodian, or a responsible adult given guardian rights.",
        Role.TEACHER: "Teaches one of the pupil's groups.",
        Role.MENTOR: "Mentors the pupil or one of the pupil's groups.",
        Role.PRINCIPAL: "Principal (rektor) of the school.",
        Role.SCHOOL_ADMIN: "School administrator.",
        Role.STUDENT_HEALTH: "On the school's student-health team.",
        Role.SHARED: "Someone the pupil's page was explicitly shared with.",
        Role.ANALYTICS: "Reads class- and school-level summaries only.",
    },
)


@strawberry.type(name="Viewer", description="The person signed in.")
class ViewerType:
    user: strawberry.Private[User]
    username: str = strawberry.field(description="The login name.")
    display_name: str = strawberry.field(description="Name from the school register.")

    @classmethod
    def from_user(cls, user: User) -> ViewerType:
        """The viewer type of a user, named as the roster names them."""
        person = user.person
        name = str(person) if person is not None else user.get_username()
        return cls(user=user, username=user.get_username(), display_name=name)

    @strawberry_django.field(description="Every role the viewer holds toward someone today.")
    def roles(self) -> list[RoleEnum]:  # type: ignore[valid-type]
        return viewer_roles(self.user)

    @strawberry_django.field(description="Notices the viewer has not read (the badge).")
    def unread_notice_count(self) -> int:
        return 0 if terms_pending(self.user) else unread_count(self.user)

    @strawberry_django.field(description="The viewer's own settings and contact details.")
    def settings(self) -> SettingsType:
        return SettingsType.of(self.user)

    @strawberry_django.connection(
        DjangoListConnection[PupilType], description="The pupils the viewer is a guardian of."
    )
    def children(self) -> Iterable[Pupil]:
        if terms_pending(self.user):  # e.g. `login { viewer { children } }`
            return Pupil.objects.none()
        return children_of(self.user)

    @strawberry_django.connection(
        DjangoListConnection[GroupType],
        description="Groups the viewer belongs to, teaches or leads.",
    )
    def groups(self) -> Iterable[Group]:
        return Group.objects.none() if terms_pending(self.user) else visible_groups(self.user)

    @strawberry_django.connection(
        DjangoListConnection[SchoolType], description="Schools the viewer belongs to in any role."
    )
    def schools(self) -> Iterable[School]:
        return School.objects.none() if terms_pending(self.user) else visible_schools(self.user)


@strawberry.type(name="ApiToken", description="A bearer token; its secret is never shown again.")
class ApiTokenType:
    id: strawberry.ID = strawberry.field(description="The token's id, for revoking it.")
    name: str = strawberry.field(description="What the token is for.")
    prefix: str = strawberry.field(description="The first characters of the secret.")
    expires_at: dt.datetime | None = strawberry.field(description="When it stops working.")
    revoked_at: dt.datetime | None = strawberry.field(description="When it was revoked.")

    @classmethod
    def from_model(cls, token: ApiToken) -> ApiTokenType:
        """The API view of a stored token."""
        return cls(
            id=strawberry.ID(str(token.pk)),
            name=token.name,
            prefix=token.prefix,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
        )
