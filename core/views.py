"""Uploaded images, served only to people who may read what they belong to.

Media files are never served from a public directory: each request is
checked against the same scope as the GraphQL type, and anything hidden
answers 404, like something missing.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from core.models import BlogImage, LearningLogImage
from core.selectors import pages


@require_GET
def learning_log_image(request: HttpRequest, pk: int) -> FileResponse:
    """A learning-log picture, for readers of the pupil's page."""
    image = LearningLogImage.objects.filter(
        pages.pupil_page(request.user, "entry__pupil"), pk=pk
    ).first()
    if image is None:
        raise Http404
    return _private(FileResponse(image.image.open("rb")))


@require_GET
def blog_image(request: HttpRequest, pk: int) -> FileResponse:
    """A photo in a post, for readers of the post."""
    image = BlogImage.objects.filter(pages.blog_posts(request.user, "post"), pk=pk).first()
    if image is None:
        raise Http404
    return _private(FileResponse(image.image.open("rb")))


def _private(response: FileResponse) -> FileResponse:
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
