"""The GraphQL HTTP view, with CSRF applied where cookies are involved."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import AsyncGraphQLView

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, returning the failure reason instead of a page."""

    def _reject(self, request: HttpRequest, reason: str) -> Any:  # noqa: ARG002
        return reason


def csrf_failure(request: HttpRequest) -> str | None:
    """Why `request` fails Django's CSRF check, or None when it passes."""
    check = _CsrfCheck(lambda _: HttpResponseBase())
    check.process_request(request)
    reason = check.process_view(request, lambda _: HttpResponseBase(), (), {})
    return reason if isinstance(reason, str) else None


@method_decorator(csrf_exempt, name="dispatch")
class GraphQLView(AsyncGraphQLView):  # type: ignore[type-arg]
    """GraphQL over HTTP; CSRF is enforced for requests that carry a session.

    A cross-site forgery rides on the browser's session cookie, so requests
    with that cookie must prove they come from our pages. Front ends that
    send a bearer token and no cookie cannot be forged that way and are not
    asked for a CSRF token.
    """

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> Any:
        """Check CSRF for session-carrying writes, then serve GraphQL."""
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_session and request.method not in _SAFE_METHODS:
            reason = csrf_failure(request)
            if reason is not None:
                return JsonResponse(
                    {"errors": [{"message": f"CSRF check failed: {reason}"}]}, status=403
                )
        return await super().dispatch(request, *args, **kwargs)
