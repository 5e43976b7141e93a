"""Uploaded images: checked by their content, cleaned, and named by us.

The name and content type a browser sends are ignored: Pillow decodes the
bytes, only JPEG, PNG, WebP and GIF pass, and the picture is written anew,
which drops metadata such as the GPS position a phone stores in a photo of
a child, and anything smuggled after the image data.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from core.services.errors import Invalid

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Phones store many photos as MPO (a JPEG with a second view); kept as JPEG.
SAVED_AS = {"MPO": "JPEG"}
# A 40-megapixel photo; more, over all frames of an animation, is a
# decompression bomb that would hold a worker for minutes.
MAX_PIXELS = 40_000_000


def max_bytes() -> int:
    """The largest upload accepted, from settings (IMAGE_MAX_BYTES)."""
    return int(settings.IMAGE_MAX_BYTES)


def image_checked(upload: IO[bytes] | Any, field: str) -> ContentFile[bytes]:
    """A clean copy of `upload` if it is an image within the limits, else `Invalid`."""
    data = _read(upload, field)
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = SAVED_AS.get(probe.format or "", probe.format or "")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            if kind not in FORMATS:
                raise Invalid(_refusal(field), field=field)
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > MAX_PIXELS:
                raise Invalid(f"{field}: the picture has too many pixels.", field=field)
            return ContentFile(_rewrite(image, kind), name=f"{uuid.uuid4().hex}.{FORMATS[kind]}")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise Invalid(_refusal(field), field=field) from error


def _read(upload: IO[bytes] | Any, field: str) -> bytes:
    if not callable(getattr(upload, "read", None)):
        raise Invalid(f"{field}: send the file as a multipart upload.", field=field)
    limit = max_bytes()
    data: bytes = upload.read(limit + 1)
    if len(data) > limit:
        megabytes = limit / 1_000_000
        raise Invalid(f"{field}: an image may be at most {megabytes:g} MB.", field=field)
    if not data:
        raise Invalid(f"{field}: the file is empty.", field=field)
    return data


def _refusal(field: str) -> str:
    return f"{field}: not a picture; send a JPEG, PNG, WebP or GIF image."


def _rewrite(image: Image.Image, kind: str) -> bytes:
    """The picture re-encoded upright with no metadata."""
    out = io.BytesIO()
    # Pillow copies a JPEG's or GIF's comment from the source unless told not to.
    if kind == "GIF":
        image.save(out, format="GIF", save_all=getattr(image, "is_animated", False), comment=b"")
        return out.getvalue()
    upright = ImageOps.exif_transpose(image)
    if kind == "JPEG" and upright.mode not in {"RGB", "L"}:
        upright = upright.convert("RGB")
    options: dict[str, Any] = {"quality": 90} if kind in {"JPEG", "WEBP"} else {}
    if kind == "JPEG":
        options["comment"] = b""
    upright.save(out, format=kind, **options)
    return out.getvalue()


@contextmanager
def removed_on_failure() -> Iterator[list[str]]:
    """Names of files stored inside the block, deleted again if the block fails.

    Storage is not transactional: when the database rolls back a row, the
    picture it pointed to must go too, or it lingers unowned and unserved.
    """
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
