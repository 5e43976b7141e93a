"""The signed-in viewer and their tokens."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.models import ApiToken, User


@strawberry.type(name="Viewer", description="The person signed in.")
class ViewerType:
    username: str = strawberry.field(description="The login name.")
    display_name: str = strawberry.field(description="Name from the school register.")

    @classmethod
    def from_user(cls, user: User) -> ViewerType:
        """The viewer type of a user, named as the roster names them."""
        person = user.person
        name = str(person) if person is not None else user.get_username()
        return cls(username=user.get_username(), display_name=name)


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
