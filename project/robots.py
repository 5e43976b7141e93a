"""Keep every page out of search engines: robots.txt and X-Robots-Tag.

Nothing of the service belongs in a search index, and a findable admin
login was among the findings of IMY's Stockholm decision (2020). The
header reaches crawlers that ignore robots.txt or find a link elsewhere.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin
from django.views.decorators.http import require_safe

ROBOTS_TXT = "User-agent: *\nDisallow: /\n"
X_ROBOTS_TAG = "noindex, nofollow"


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:  # noqa: ARG001 - a view's signature
    """Disallow everything to every crawler."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")


class NoIndexMiddleware(MiddlewareMixin):
    """Add `X-Robots-Tag: noindex, nofollow` to every HTTP response.

    Listed first, so the answers of the other middleware (a refused token,
    a failed CSRF check, a sign-in lockout) carry it too. MiddlewareMixin
    serves both the WSGI and the ASGI path.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        """Tag the response of the rest of the chain."""
        del request
        response["X-Robots-Tag"] = X_ROBOTS_TAG
        return response
