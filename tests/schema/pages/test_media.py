"""Uploaded images are served only to the readers of what they belong to."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import BlogImage, BlogPost, LearningLogEntry, LearningLogImage
from permissions.assurance import Assurance
from tests.cast import MEMBERS, POSTS, VISIBLE_PUPILS
from tests.graphql import client_for

pytestmark = pytest.mark.django_db


def png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize("member", MEMBERS)
def test_a_log_image_is_served_to_the_readers_of_the_page(pages, cast, settings, tmp_path, member):
    # given
    settings.MEDIA_ROOT = tmp_path
    entry = LearningLogEntry.objects.get(pupil=cast.alva)
    image = LearningLogImage.objects.create(entry=entry, image=png("alva.png"))

    # when
    response = client_for(cast[member]).get(f"/media/learning-log/{image.pk}")

    # then
    readable = "Alva" in VISIBLE_PUPILS[member]
    assert response.status_code == (200 if readable else 404)
    if readable:
        assert (response["Content-Type"], response["Cache-Control"]) == (
            "image/png",
            "private, max-age=3600",
        )
        assert (image.width, image.height) == (4, 3)


@pytest.mark.parametrize("member", MEMBERS)
def test_a_blog_photo_is_served_to_the_readers_of_the_post(
    pages, cast, settings, tmp_path, member
):
    # given
    settings.MEDIA_ROOT = tmp_path
    post = BlogPost.objects.get(title="post:3A")
    image = BlogImage.objects.create(post=post, image=png("utflykt.png"))

    # when
    response = client_for(cast[member]).get(f"/media/blog/{image.pk}")

    # then
    assert response.status_code == (200 if "3A" in POSTS.get(member, set()) else 404)


@pytest.mark.parametrize("member", MEMBERS)
def test_a_password_gets_no_log_image_and_is_told_where_to_step_up(
    pages, cast, settings, tmp_path, member
):
    # given
    settings.MEDIA_ROOT = tmp_path
    entry = LearningLogEntry.objects.get(pupil=cast.alva)
    image = LearningLogImage.objects.create(entry=entry, image=png("alva.png"))

    # when
    response = client_for(cast[member], Assurance.LOW).get(f"/media/learning-log/{image.pk}")

    # then
    # Whoever reads some pupil's page is told to step up, for this image or
    # a missing one alike, so the answer says nothing about the image.
    missing = client_for(cast[member], Assurance.LOW).get("/media/learning-log/0")
    if VISIBLE_PUPILS[member]:
        assert (response.status_code, missing.status_code) == (403, 403)
        assert response.json()["errors"][0]["extensions"] == {
            "code": "STRONG_AUTH_REQUIRED",
            "stepUp": "/login/?strong=1",
        }
    else:
        assert (response.status_code, missing.status_code) == (404, 404)


@pytest.mark.parametrize("member", MEMBERS)
def test_a_password_still_gets_the_class_blogs_photos(pages, cast, settings, tmp_path, member):
    # given
    settings.MEDIA_ROOT = tmp_path
    post = BlogPost.objects.get(title="post:3A")
    image = BlogImage.objects.create(post=post, image=png("utflykt.png"))

    # when
    response = client_for(cast[member], Assurance.LOW).get(f"/media/blog/{image.pk}")

    # then
    assert response.status_code == (200 if "3A" in POSTS.get(member, set()) else 404)


def test_a_missing_image_is_404(cast):
    # when / then
    assert client_for(cast["principal"]).get("/media/blog/0").status_code == 404
