"""The GraphQL HTTP view, with CSRF applied where cookies are involved."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError, OperationType, parse
from graphql.utilities import get_operation_ast
from strawberry.django.views import AsyncGraphQLView

from core.services.learning import MAX_IMAGES

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
        # Loaded here, in async code, so resolvers and extensions read it freely.
        request.user = await request.auser()  # type: ignore[attr-defined]
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_session and request.method not in _SAFE_METHODS:
            reason = csrf_failure(request)
            if reason is not None:
                return JsonResponse(
                    {"errors": [{"message": f"CSRF check failed: {reason}"}]}, status=403
                )
        if _too_large(request):
            return JsonResponse({"errors": [{"message": "The request is too large."}]}, status=413)
        if request.method == "GET" and _is_mutation(request):
            response = JsonResponse(
                {"errors": [{"message": "Mutations must be sent with POST."}]}, status=405
            )
            response["Allow"] = "POST"
            return response
        return await super().dispatch(request, *args, **kwargs)


def _too_large(request: HttpRequest) -> bool:
    """Whether the body exceeds what ten pictures and a query can need.

    Refused from the header before Django reads a byte of it; each picture
    is then checked against IMAGE_MAX_BYTES on its own.
    """
    limit = MAX_IMAGES * settings.IMAGE_MAX_BYTES + 1_000_000
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True


def _is_mutation(request: HttpRequest) -> bool:
    """Whether a GET carries a mutation (GraphQL over HTTP answers 405)."""
    query = request.GET.get("query")
    if not query:
        return False
    try:
        operation = get_operation_ast(parse(query), request.GET.get("operationName"))
    except GraphQLError:
        return False  # Strawberry reports the syntax error itself.
    return operation is not None and operation.operation == OperationType.MUTATION
