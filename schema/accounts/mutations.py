"""Signing in and out, and bearer tokens for other front ends."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async
from django.contrib.auth import alogin, alogout, authenticate
from django.http import HttpRequest

from core.models import User
from core.selectors.accounts import token_of
from core.services.errors import ServiceError
from core.services.tokens import token_create, token_revoke
from permissions.assurance import SESSION_KEY, Assurance, stamp
from schema.accounts.types import ApiTokenType, ViewerType
from schema.context import Info, signed_in
from schema.errors import NOT_AUTHENTICATED, NOT_FOUND, ErrorCode, UserError
from schema.payloads import user_error

INVALID_CREDENTIALS = UserError(
    code=ErrorCode.INVALID_CREDENTIALS, message="Wrong username or password."
)
LOGIN_THROTTLED = UserError(
    code=ErrorCode.LOGIN_THROTTLED, message="Too many failed sign-ins; try again later."
)
JSON_REQUIRED = UserError(
    code=ErrorCode.JSON_REQUIRED, message="Send this mutation as an application/json POST."
)
_USERNAME_MAX = User._meta.get_field("username").max_length or 150


@strawberry.input(description="A username and password.")
class LoginInput:
    username: str = strawberry.field(description="The login name.")
    password: str = strawberry.field(description="The password.")


@strawberry.type(description="The viewer after signing in, or why not.")
class LoginPayload:
    viewer: ViewerType | None = strawberry.field(description="Null when sign-in failed.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.type(description="Signed out.")
class LogoutPayload:
    ok: bool = strawberry.field(description="True once the session is gone.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="A new bearer token for the viewer.")
class TokenCreateInput:
    name: str = strawberry.field(description="What the token is for, e.g. 'iPad app'.")
    days: int | None = strawberry.field(
        default=None,
        description="Days until it expires, from 1 to the server's maximum (365 unless "
        "configured); left out, the server's default (90 unless configured). A request "
        "signed in with a token cannot make one that outlives it.",
    )


@strawberry.type(description="The new token, with its secret shown this once.")
class TokenCreatePayload:
    token: ApiTokenType | None = strawberry.field(description="The stored token.")
    secret: str | None = strawberry.field(description="Send as 'Authorization: Bearer <secret>'.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


@strawberry.input(description="A token of the viewer's to revoke.")
class TokenRevokeInput:
    id: strawberry.ID = strawberry.field(description="The token's id.")


@strawberry.type(description="The revoked token.")
class TokenRevokePayload:
    token: ApiTokenType | None = strawberry.field(description="Null when nothing was revoked.")
    errors: list[UserError] = strawberry.field(description="Empty on success.")


def _http_request(info: Info) -> HttpRequest | None:
    request = info.context["request"]
    return request if isinstance(request, HttpRequest) else None


def _json_request(info: Info) -> HttpRequest | None:
    """The HTTP request if its body is application/json, else None.

    Any web page can post a multipart form to /graphql/ without a CORS
    preflight; without a session cookie there is no CSRF check either, so a
    sign-in sent that way would plant the sender's session (login CSRF).
    """
    request = _http_request(info)
    return request if request is not None and request.content_type == "application/json" else None


def _locked_out(request: HttpRequest) -> bool:
    """Whether axes refused this sign-in or this failure reached a limit.

    The flag is cleared once read: the payload carries the refusal, and
    AxesMiddleware would otherwise replace the JSON answer with its 429 page.
    """
    locked = bool(getattr(request, "axes_locked_out", False))
    request.axes_locked_out = False  # type: ignore[attr-defined]
    return locked


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="Sign in with a password; starts a browser session of low assurance, "
        "which reads no pupil's page where strong login is required (STRONG_AUTH_REQUIRED; "
        "see /login/ for e-legitimation). Only as an application/json POST. After repeated "
        "failures for one login name, or from one address, every try is refused for a while "
        "(LOGIN_THROTTLED), whatever the password."
    )
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:
        request = _json_request(info)
        if request is None:
            return LoginPayload(viewer=None, errors=[JSON_REQUIRED])
        if len(input.username) > _USERNAME_MAX:  # no account has it; axes could not store it
            return LoginPayload(viewer=None, errors=[INVALID_CREDENTIALS])
        # The axes and django-guardian backends have no async authenticate,
        # so the sync chain runs in a thread; axes counts the failures.
        user = await sync_to_async(authenticate)(
            request, username=input.username, password=input.password
        )
        if _locked_out(request):
            return LoginPayload(viewer=None, errors=[LOGIN_THROTTLED])
        if user is None:
            return LoginPayload(viewer=None, errors=[INVALID_CREDENTIALS])
        await alogin(request, user)
        # A password is low assurance: the rest of this request and the session say so.
        await request.session.aset(SESSION_KEY, int(Assurance.LOW))
        viewer = await sync_to_async(ViewerType.from_user)(stamp(user, Assurance.LOW))
        return LoginPayload(viewer=viewer, errors=[])

    @strawberry.mutation(description="End the browser session. Only as an application/json POST.")
    async def logout(self, info: Info) -> LogoutPayload:
        request = _json_request(info)
        if request is None:
            return LogoutPayload(ok=False, errors=[JSON_REQUIRED])
        await alogout(request)  # open sockets on the session close (core.services.credentials)
        return LogoutPayload(ok=True, errors=[])

    @strawberry.mutation(
        description="Create a bearer token for the signed-in viewer; every token expires. "
        "Only as an application/json POST."
    )
    async def token_create(self, info: Info, input: TokenCreateInput) -> TokenCreatePayload:
        request = _json_request(info)
        if request is None:
            return TokenCreatePayload(token=None, secret=None, errors=[JSON_REQUIRED])
        user = await signed_in(info)
        if user is None:
            return TokenCreatePayload(token=None, secret=None, errors=[NOT_AUTHENTICATED])
        try:
            token, secret = await sync_to_async(token_create)(
                user=user,
                name=input.name,
                days=input.days,
                parent=getattr(request, "auth_token", None),  # set by BearerTokenMiddleware
            )
        except ServiceError as error:
            return TokenCreatePayload(token=None, secret=None, errors=[user_error(error)])
        return TokenCreatePayload(token=ApiTokenType.from_model(token), secret=secret, errors=[])

    @strawberry.mutation(description="Revoke one of the viewer's tokens at once.")
    async def token_revoke(self, info: Info, input: TokenRevokeInput) -> TokenRevokePayload:
        user = await signed_in(info)
        if user is None:
            return TokenRevokePayload(token=None, errors=[NOT_AUTHENTICATED])
        token = await sync_to_async(token_of)(user, _int(input.id))
        if token is None:
            return TokenRevokePayload(token=None, errors=[NOT_FOUND])
        revoked = await sync_to_async(token_revoke)(token=token)
        return TokenRevokePayload(token=ApiTokenType.from_model(revoked), errors=[])


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0
