"""The GraphQL HTTP view: GraphQL over HTTP, with CSRF where cookies are involved.

The response's media type follows the Accept header (`response_media_type`).
Under `application/graphql-response+json` the status code says what
happened: 400 and no `data` for a request that fails before execution
(unparsable JSON or document, invalid document, variables that do not
coerce, no or an unknown operation), 200 once the operation executes, even
with field errors. Under `application/json` (no Accept, `*/*`, legacy
clients) GraphQL errors keep status 200 and `"data": null`, as before.
Every refusal is a GraphQL-shaped `{"errors": [...]}` body.
"""

from __future__ import annotations

import json
import re
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.cache import patch_vary_headers
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphql import GraphQLError, OperationType, parse
from graphql.execution import Executor
from graphql.utilities import get_operation_ast
from strawberry.django.views import AsyncGraphQLView
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError

from core.services.learning import MAX_IMAGES

if TYPE_CHECKING:
    from cross_web import AsyncHTTPRequestAdapter
    from strawberry.django.views import TemporalHttpResponse
    from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_QVALUE = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")


def response_media_type(accept: str) -> str | None:
    """The media type to answer in, after RFC 9110's rules for Accept.

    No Accept, or one matched only by a wildcard (`*/*`), gets
    application/json, as do clients that prefer it; a client that lists
    application/graphql-response+json at least as high as application/json
    gets that. None when neither is acceptable (the view answers 406).
    """
    if not accept.strip():
        return JSON
    ranges = _accept_ranges(accept)
    graphql_q, listed = _quality(ranges, GRAPHQL_RESPONSE)
    json_q, _ = _quality(ranges, JSON)
    if max(graphql_q, json_q) == 0:
        return None
    prefers_graphql = graphql_q > json_q or (graphql_q == json_q and listed)
    return GRAPHQL_RESPONSE if prefers_graphql else JSON


def _accept_ranges(accept: str) -> dict[str, float]:
    """Media range -> q; ranges with a malformed q are left out."""
    ranges: dict[str, float] = {}
    for item in accept.split(","):
        media_range, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for name, _, value in (p.partition("=") for p in parameters):
            if name.strip().lower() == "q":
                q = value.strip()
                quality = float(q) if _QVALUE.fullmatch(q) else -1.0
        if media_range and quality >= 0:
            key = media_range.lower()
            ranges[key] = max(quality, ranges.get(key, 0.0))
    return ranges


def _quality(ranges: dict[str, float], media_type: str) -> tuple[float, bool]:
    """The q of the most specific range matching `media_type`; whether it names it."""
    for media_range in (media_type, media_type.split("/", maxsplit=1)[0] + "/*", "*/*"):
        if media_range in ranges:
            return ranges[media_range], media_range == media_type
    return 0.0, False


def negotiated(request: HttpRequest) -> str:
    """The response media type of `request`; application/json if none is acceptable."""
    return response_media_type(request.headers.get("Accept", "")) or JSON


def error_response(
    request: HttpRequest, message: str, status: int, *, allow: str | None = None
) -> HttpResponse:
    """A request error: `{"errors": [{"message": ...}]}`, no data, in the negotiated type."""
    response = HttpResponse(
        json.dumps({"errors": [{"message": message}]}, separators=(",", ":")),
        status=status,
        content_type=f"{negotiated(request)}; charset=utf-8",
    )
    if allow is not None:
        response["Allow"] = allow
    patch_vary_headers(response, ("Accept",))
    return response


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
class GraphQLView(AsyncGraphQLView):
    """GraphQL over HTTP; CSRF is enforced for requests that carry a session.

    A cross-site forgery rides on the browser's session cookie, so requests
    with that cookie must prove they come from our pages. Front ends that
    send a bearer token and no cookie cannot be forged that way and are not
    asked for a CSRF token.
    """

    async def dispatch(  # type: ignore[override]
        self, request: HttpRequest, *_args: Any, **_kwargs: Any
    ) -> Any:
        """Refuse what GraphQL over HTTP refuses, then serve GraphQL."""
        # Loaded here, in async code, so resolvers and extensions read it freely.
        request.user = await request.auser()
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        try:
            return await self.run(request=request)
        except HTTPException as error:  # Strawberry's own refusals, as plain text
            allow = "GET, POST" if error.status_code == HTTPStatus.METHOD_NOT_ALLOWED else None
            return error_response(request, error.reason, error.status_code, allow=allow)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        """The answer to a request refused before GraphQL sees it, if it is."""
        if response_media_type(request.headers.get("Accept", "")) is None and not (
            self.should_render_graphql_ide(self.request_adapter_class(request))
        ):
            message = f"Accept must allow {GRAPHQL_RESPONSE} or {JSON}."
            return error_response(request, message, 406)
        has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
        if has_session and request.method not in _SAFE_METHODS:
            reason = csrf_failure(request)
            if reason is not None:
                return error_response(request, f"CSRF check failed: {reason}", 403)
        if _too_large(request):
            return error_response(request, "The request is too large.", 413)
        if request.method == "POST" and request.content_type not in self._content_types():
            message = f"Send the request as {JSON} (Content-Type)."
            return error_response(request, message, 415)
        if request.method == "GET" and _is_mutation(request):
            return error_response(request, "Mutations must be sent with POST.", 405, allow="POST")
        return None

    def _content_types(self) -> frozenset[str]:
        uploads = {"multipart/form-data"} if self.multipart_uploads_enabled else set()
        return frozenset({JSON, *uploads})

    async def get_sub_response(self, request: HttpRequest) -> TemporalHttpResponse:
        """The negotiated type; Strawberry copies the sub-response's headers to the answer."""
        sub_response = await super().get_sub_response(request)
        sub_response["Content-Type"] = f"{negotiated(request)}; charset=utf-8"
        patch_vary_headers(sub_response, ("Accept",))
        return sub_response

    async def execute_single(  # noqa: PLR0917 - Strawberry's signature
        self,
        request: HttpRequest,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: TemporalHttpResponse,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Execute; a request error is status 400 under graphql-response+json."""
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, request_data
        )
        if _refused_before_execution(self.schema, result, request_data):
            result = PreExecutionError(None, result.errors, result.extensions)
        if isinstance(result, PreExecutionError) and _graphql_response(request):
            sub_response.status_code = 400
        return result

    async def process_result(
        self, request: HttpRequest, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """The response body; a request error has no `data` under graphql-response+json."""
        body = await super().process_result(request, result)
        if isinstance(result, PreExecutionError) and _graphql_response(request):
            del body["data"]
        return body


def _graphql_response(request: HttpRequest) -> bool:
    return negotiated(request) == GRAPHQL_RESPONSE


def _refused_before_execution(
    schema: Any, result: ExecutionResult, request: GraphQLRequestData
) -> bool:
    """Whether graphql-core refused the operation or its variables before executing.

    It answers such a request with `data` None, as it does when a non-null
    root field fails; only building the executor again tells them apart.
    Rare: it runs only when there is no data and nothing refused it earlier.
    """
    if isinstance(result, PreExecutionError) or result.data is not None or not request.query:
        return False
    built = Executor.build(
        schema._schema,  # graphql-core's schema behind Strawberry's
        parse(request.query),
        raw_variable_values=request.variables,
        operation_name=request.operation_name,
    )
    return isinstance(built, list)


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
