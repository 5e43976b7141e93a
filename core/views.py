"""Uploaded images, served only to people who may read what they belong to.

Media files are never served from a public directory: each request is
checked against the same scope as the GraphQL type, and anything hidden
answers 404, like something missing. A learning-log photo withheld from a
weaker sign-in answers 403 STRONG_AUTH_REQUIRED, as the API does.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from core.models import AccountSettings, BlogImage, LearningLogImage
from core.selectors import pages
from core.selectors.accounts import terms_pending
from core.selectors.analytics import NotAClassError, readable_summary
from core.selectors.summary_rows import rows
from core.services.common import check_term
from core.services.errors import Invalid
from permissions.assurance import CODE, MESSAGE, refused, step_up_url

View = Callable[..., Any]


def terms_accepted(view: View) -> View:
    """Answer 403 to a user who has not accepted the terms of use yet."""

    @wraps(view)
    def checked(request: HttpRequest, *args: object, **kwargs: object) -> Any:
        if terms_pending(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@require_GET
@terms_accepted
def learning_log_image(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A learning-log picture, for readers of the pupil's page."""
    image = LearningLogImage.objects.filter(
        pages.pupil_page(request.user, "entry__pupil"), pk=pk
    ).first()
    if image is None and refused(request.user):
        return strong_auth_required()
    if image is None:
        raise Http404
    return _private(FileResponse(image.image.open("rb")))


@require_GET
@terms_accepted
def blog_image(request: HttpRequest, pk: int) -> FileResponse:
    """A photo in a post, for readers of the post."""
    image = BlogImage.objects.filter(pages.blog_posts(request.user, "post"), pk=pk).first()
    if image is None:
        raise Http404
    return _private(FileResponse(image.image.open("rb")))


@require_GET
@terms_accepted
def account_photo(request: HttpRequest) -> FileResponse:
    """The signed-in user's own profile photo."""
    found = AccountSettings.objects.filter(user_id=request.user.pk or 0).first()
    if found is None or not found.photo:
        raise Http404
    return _private(FileResponse(found.photo.open("rb")))


@require_GET
@terms_accepted
def summary_csv(request: HttpRequest, level: str, pk: int) -> HttpResponse:
    """A summary as CSV, for the same viewers as over GraphQL; withheld counts are empty."""
    term = request.GET.get("term", "")
    try:
        check_term(term)
        summary = readable_summary(request.user, level, pk, term)
    except (Invalid, NotAClassError) as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    if summary is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="summary-{level}-{pk}-{term}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(["level", "name", "metric", "key", "term", "value", "suppressed"])
    for row in rows(summary):
        value = "" if row.value is None else row.value
        writer.writerow(
            [
                summary.level,
                summary.name,
                row.metric,
                row.key,
                row.term,
                value,
                "yes" if row.suppressed else "no",
            ]
        )
    return response


def strong_auth_required() -> JsonResponse:
    """403 for a weaker sign-in, saying where to step up (as the API's error does)."""
    error = {"message": MESSAGE, "extensions": {"code": CODE, "stepUp": step_up_url()}}
    return JsonResponse({"errors": [error]}, status=403)


def _private(response: FileResponse) -> FileResponse:
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
