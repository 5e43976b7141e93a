"""Typed errors that every mutation payload carries."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="Why a mutation changed nothing.")
class ErrorCode(enum.Enum):
    VALIDATION = strawberry.enum_value(
        "validation", description="The input breaks a rule; `field` says which."
    )
    NOT_FOUND = strawberry.enum_value(
        "not_found",
        description="The object does not exist or the viewer may not act on it; "
        "the two are never told apart.",
    )
    NOT_ALLOWED = strawberry.enum_value(
        "not_allowed",
        description="The viewer can read the object but may not do this to it "
        "(a guardian moving a goal, an answer in a locked plan).",
    )
    CONFLICT = strawberry.enum_value(
        "conflict", description="Someone saved a newer version first."
    )
    NOT_AUTHENTICATED = strawberry.enum_value(
        "not_authenticated", description="Nobody is signed in."
    )
    TERMS_NOT_ACCEPTED = strawberry.enum_value(
        "terms_not_accepted", description="Accept the terms of use first (`termsAccept`)."
    )
    INVALID_CREDENTIALS = strawberry.enum_value(
        "invalid_credentials", description="Wrong username or password."
    )
    LOGIN_THROTTLED = strawberry.enum_value(
        "login_throttled",
        description="Too many failed sign-ins for this login name or from this address; "
        "try again later. Known and unknown names are answered alike.",
    )
    STRONG_AUTH_REQUIRED = strawberry.enum_value(
        "strong_auth_required",
        description="A pupil's page needs a strong sign-in (e-legitimation); this one was "
        "weaker, e.g. a password. `stepUp` says where to sign in more strongly.",
    )
    JSON_REQUIRED = strawberry.enum_value(
        "json_required",
        description="Sign-in and token mutations are taken only as an application/json "
        "POST, never from a form that another site could post.",
    )


@strawberry.type(description="A problem with a mutation's input; nothing was changed.")
class UserError:
    code: ErrorCode = strawberry.field(description="What kind of problem.")
    message: str = strawberry.field(description="A sentence a person can read.")
    field: str | None = strawberry.field(
        default=None, description="The input field at fault, if one is."
    )
    step_up: str | None = strawberry.field(
        default=None,
        description="For STRONG_AUTH_REQUIRED: where to send the user to sign in more strongly.",
    )


NOT_AUTHENTICATED = UserError(code=ErrorCode.NOT_AUTHENTICATED, message="Sign in first.")
NOT_FOUND = UserError(code=ErrorCode.NOT_FOUND, message="Not found.")
TERMS_NOT_ACCEPTED = UserError(
    code=ErrorCode.TERMS_NOT_ACCEPTED, message="Accept the terms of use first (termsAccept)."
)
