"""Bearer-token authentication for HTTP requests, and how each request signed in."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.functional import LazyObject, SimpleLazyObject, empty

from core.models import ApiToken, User
from core.services.tokens import bearer_secret, token_resolve
from permissions.assurance import SESSION_KEY, parse, session_level, stamp

INVALID_TOKEN = "The bearer token is invalid, expired or revoked."  # noqa: S105 - a message


def _unauthorized() -> JsonResponse:
    response = JsonResponse({"errors": [{"message": INVALID_TOKEN}]}, status=401)
    response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _sign_in(request: HttpRequest, token: ApiToken) -> None:
    user = stamp(token.user, parse(token.assurance))

    async def auser() -> User:
        return user

    request.user = user
    # The token itself, so a token made on this request cannot outlive it.
    request.auth_token = token  # type: ignore[attr-defined]
    request.auser = auser
    # A bearer token cannot be forged cross-site the way a cookie can.
    request._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]


class _Middleware(abc.ABC):
    """A middleware that runs on both paths: WSGI, and ASGI without a thread hop."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    @abc.abstractmethod
    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Each middleware's own work, then the request passed on."""


class BearerTokenMiddleware(_Middleware):
    """Authenticate `Authorization: Bearer` requests; a bad token gets 401.

    A request with a token never falls back to the session or to an
    anonymous user: a client whose token was revoked must learn it.
    """

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Authenticate the token, if any, then pass the request on."""
        if iscoroutinefunction(self):
            return self.__acall__(request)  # type: ignore[attr-defined,no-any-return]
        secret = bearer_secret(request.headers.get("Authorization"))
        if secret is not None:
            token = token_resolve(secret)
            if token is None:
                return _unauthorized()
            _sign_in(request, token)
        return self.get_response(request)  # type: ignore[no-any-return]

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        """The same, for the ASGI path."""
        secret = bearer_secret(request.headers.get("Authorization"))
        if secret is not None:
            token = await sync_to_async(token_resolve)(secret)
            if token is None:
                return _unauthorized()
            _sign_in(request, token)
        return await self.get_response(request)  # type: ignore[no-any-return]


def _real(user: Any) -> Any:
    if isinstance(user, LazyObject):
        lazy: Any = user
        if lazy._wrapped is empty:
            lazy._setup()
        return lazy._wrapped
    return user


def _stamp_session_user(request: HttpRequest) -> None:
    """The request's user, stamped with the level its session recorded at sign-in.

    Read lazily, when the user is: the session is loaded from the database,
    which the ASGI path may not touch from the event loop.
    """
    session = getattr(request, "session", None)
    user = request.user
    auser = request.auser

    async def stamped_auser() -> Any:
        found = await auser()
        stored = await session.aget(SESSION_KEY) if session is not None else None
        return stamp(found, parse(stored))

    request.user = SimpleLazyObject(  # type: ignore[assignment]
        lambda: stamp(_real(user), session_level(session))
    )
    request.auser = stamped_auser


class AssuranceMiddleware(_Middleware):
    """Stamp every request's user with how it signed in (`permissions.assurance`).

    After AuthenticationMiddleware; BearerTokenMiddleware, after this one,
    stamps a token's user with the token's own level.
    """

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Stamp the user, then pass the request on."""
        _stamp_session_user(request)
        return self.get_response(request)  # type: ignore[no-any-return]  # a coroutine on ASGI
