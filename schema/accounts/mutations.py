"""Signing in and out, and bearer tokens for other front ends."""

from __future__ import annotations

import strawberry
from asgiref.sync import sync_to_async
from django.contrib.auth import alogin, alogout, authenticate
from django.http import HttpRequest
from strawberry_django.auth.utils import aget_current_user

from core.models import ApiToken
from core.services.tokens import token_create, token_revoke
from schema.accounts.types import ApiTokenType, ViewerType
from schema.context import Info
from schema.errors import NOT_AUTHENTICATED, NOT_FOUND, ErrorCode, UserError
from subscriptions.publish import notices_changed

MAX_TOKEN_DAYS = 365


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


@strawberry.input(description="A new bearer token for the viewer.")
class TokenCreateInput:
    name: str = strawberry.field(description="What the token is for, e.g. 'iPad app'.")
    days: int | None = strawberry.field(
        default=None, description=f"Days until it expires, at most {MAX_TOKEN_DAYS}."
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


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="Sign in with a password; starts a browser session.")
    async def login(self, info: Info, input: LoginInput) -> LoginPayload:  # noqa: A002
        request = _http_request(info)
        # django-guardian's backend has no async authenticate, so the sync
        # chain runs in a thread.
        user = await sync_to_async(authenticate)(
            request, username=input.username, password=input.password
        )
        if user is None or request is None:
            error = UserError(
                code=ErrorCode.INVALID_CREDENTIALS, message="Wrong username or password."
            )
            return LoginPayload(viewer=None, errors=[error])
        await alogin(request, user)
        viewer = await sync_to_async(ViewerType.from_user)(user)  # type: ignore[arg-type]
        return LoginPayload(viewer=viewer, errors=[])

    @strawberry.mutation(description="End the browser session.")
    async def logout(self, info: Info) -> LogoutPayload:
        request = _http_request(info)
        if request is not None:
            user = await aget_current_user(info)
            await alogout(request)
            if user.is_authenticated:
                # Open sockets re-check their session at once and fall silent.
                await sync_to_async(notices_changed)([user.pk])
        return LogoutPayload(ok=request is not None)

    @strawberry.mutation(description="Create a bearer token for the signed-in viewer.")
    async def token_create(self, info: Info, input: TokenCreateInput) -> TokenCreatePayload:  # noqa: A002
        user = await aget_current_user(info)
        if not user.is_authenticated:
            return TokenCreatePayload(token=None, secret=None, errors=[NOT_AUTHENTICATED])
        if input.days is not None and not 1 <= input.days <= MAX_TOKEN_DAYS:
            error = UserError(
                code=ErrorCode.VALIDATION,
                message=f"days must be between 1 and {MAX_TOKEN_DAYS}.",
                field="days",
            )
            return TokenCreatePayload(token=None, secret=None, errors=[error])
        token, secret = await sync_to_async(token_create)(
            user=user,  # type: ignore[arg-type]
            name=input.name,
            days=input.days,
        )
        return TokenCreatePayload(token=ApiTokenType.from_model(token), secret=secret, errors=[])

    @strawberry.mutation(description="Revoke one of the viewer's tokens at once.")
    async def token_revoke(self, info: Info, input: TokenRevokeInput) -> TokenRevokePayload:  # noqa: A002
        user = await aget_current_user(info)
        if not user.is_authenticated:
            return TokenRevokePayload(token=None, errors=[NOT_AUTHENTICATED])
        token = await ApiToken.objects.filter(pk=_int(input.id), user_id=user.pk).afirst()
        if token is None:
            return TokenRevokePayload(token=None, errors=[NOT_FOUND])
        revoked = await sync_to_async(token_revoke)(token=token)
        await sync_to_async(notices_changed)([user.pk])  # sockets on the token fall silent
        return TokenRevokePayload(token=ApiTokenType.from_model(revoked), errors=[])


def _int(value: str) -> int:
    return int(value) if value.isdigit() else 0
