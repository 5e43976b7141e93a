"""Keep every page out of search engines: robots.txt and X-Robots-Tag.

Nothing of the service belongs in a search index, and a findable admin
login was among the findings of IMY's Stockholm decision (2020). The
header reaches crawlers that ignore robots.txt or find a link elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import require_safe

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
X_ROBOTS_TAG = "noindex, nofollow"


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 - a view's signature
    """Disallow everything to every crawler."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


class NoIndexMiddleware:
    """Add `X-Robots-Tag: noindex, nofollow` to every HTTP response.

    Listed first, so the answers of the other middleware (a refused token,
    a failed CSRF check, a sign-in lockout) carry it too.
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Tag the response of the rest of the chain."""
        if iscoroutinefunction(self):
            return self.__acall__(request)  # type: ignore[attr-defined,no-any-return]
        response: HttpResponseBase = self.get_response(request)
        response["X-Robots-Tag"] = X_ROBOTS_TAG
        return response

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        """The same, for the ASGI path."""
        response: HttpResponseBase = await self.get_response(request)
        response["X-Robots-Tag"] = X_ROBOTS_TAG
        return response
