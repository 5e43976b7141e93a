"""A picture travels as a real multipart request and is served back to readers only.

The request follows the GraphQL multipart request spec: a form field
`operations` with the query and null where the file goes, a field `map`
saying which form field fills which variable, and the file itself.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from core.models import LearningLogEntry, LearningLogImage
from tests.graphql import client_for

pytestmark = pytest.mark.django_db

ENTRY_CREATE = """
mutation($input: LearningLogEntryCreateInput!) {
  learningLogEntryCreate(input: $input) {
    entry { text images { id width height url } }
    errors { code message field }
  }
}
"""


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (59.0, 19.0, 48.0)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "orange").save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def post_entry(client: Client, pupil_id: str, picture: SimpleUploadedFile):
    """The mutation as a multipart request, one file in `images`."""
    operations = {
        "query": ENTRY_CREATE,
        "variables": {
            "input": {"pupilId": pupil_id, "text": "Vi byggde en bro.", "images": [None]}
        },
    }
    return client.post(
        "/graphql/",
        data={
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.input.images.0"]}),
            "0": picture,
        },
    )


def test_a_picture_uploaded_over_http_is_served_to_readers_only(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    teacher = client_for(work.cast["teacher"])
    picture = SimpleUploadedFile("IMG_0001.JPG", photo_with_gps(), content_type="image/jpeg")

    # when
    response = post_entry(teacher, work.gid(work.cast.alva), picture)

    # then
    assert response.status_code == 200
    payload = response.json()["data"]["learningLogEntryCreate"]
    image = LearningLogImage.objects.get()
    assert payload == {
        "entry": {
            "text": "Vi byggde en bro.",
            "images": [
                {
                    "id": work.gid(image),
                    "width": 8,
                    "height": 6,
                    "url": f"/media/learning-log/{image.pk}",
                }
            ],
        },
        "errors": [],
    }
    assert image.entry.pupil == work.cast.alva
    assert re.fullmatch(r"learning-log/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", image.image.name)
    assert (tmp_path / image.image.name).is_file()

    # when
    served = teacher.get(f"/media/learning-log/{image.pk}")
    hidden = client_for(work.cast["stranger"]).get(f"/media/learning-log/{image.pk}")

    # then
    assert served.status_code == 200
    content = served.getvalue()
    assert content == (tmp_path / image.image.name).read_bytes()
    shown = Image.open(io.BytesIO(content))
    assert (shown.format, shown.size, dict(shown.getexif())) == ("JPEG", (8, 6), {})
    assert (served["Cache-Control"], served["X-Content-Type-Options"]) == (
        "private, max-age=3600",
        "nosniff",
    )
    assert hidden.status_code == 404


def test_a_pdf_sent_as_a_jpeg_over_http_is_refused_and_nothing_stored(work, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    teacher = client_for(work.cast["teacher"])
    pdf = SimpleUploadedFile("photo.jpg", b"%PDF-1.4\n%%EOF\n", content_type="image/jpeg")
    entries = LearningLogEntry.objects.count()

    # when
    response = post_entry(teacher, work.gid(work.cast.alva), pdf)

    # then
    assert response.status_code == 200
    assert response.json()["data"]["learningLogEntryCreate"] == {
        "entry": None,
        "errors": [
            {
                "code": "VALIDATION",
                "field": "images",
                "message": "images: not a picture; send a JPEG, PNG, WebP or GIF image.",
            }
        ],
    }
    assert (LearningLogEntry.objects.count(), LearningLogImage.objects.count()) == (entries, 0)
    assert list(tmp_path.iterdir()) == []


def test_a_body_larger_than_ten_pictures_is_refused_unread(cast, settings):
    # given
    settings.IMAGE_MAX_BYTES = 1_000
    client = Client()
    client.force_login(cast["teacher"])

    # when
    response = client.post("/graphql/", b"x" * 1_020_000, content_type="application/json")

    # then
    assert (response.status_code, response.json()) == (
        413,
        {"errors": [{"message": "The request is too large."}]},
    )
