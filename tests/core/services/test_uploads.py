"""Uploaded pictures are checked by their content, cleaned and named by us."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin

from core.services import uploads
from core.services.errors import Invalid
from core.services.uploads import image_checked

NAME = re.compile(r"[0-9a-f]{32}\.(jpg|png|webp|gif)")
NOT_A_PICTURE = "photo: not a picture; send a JPEG, PNG, WebP or GIF image."


def picture(kind: str, size: tuple[int, int] = (8, 6), **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, kind, **options)
    return buffer.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def exif_with_gps() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefon"
    exif[ExifTags.Base.DateTime] = "2026:09:01 10:15:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (59.0, 19.0, 48.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (18.0, 4.0, 6.0)
    return exif


def stored(result: ContentFile[bytes]) -> bytes:
    result.seek(0)
    return bytes(result.read())


def opened(result: ContentFile[bytes]) -> Image.Image:
    return Image.open(io.BytesIO(stored(result)))


@pytest.mark.parametrize(
    ("kind", "extension"), [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"), ("GIF", "gif")]
)
def test_each_picture_format_is_accepted_and_named_by_its_content(kind, extension):
    # given
    sent = upload(picture(kind), name="../../etc/passwd.exe", content_type="text/plain")

    # when
    result = image_checked(sent, "photo")

    # then
    assert NAME.fullmatch(str(result.name))
    assert str(result.name).endswith(f".{extension}")
    image = opened(result)
    assert (image.format, image.size) == (kind, (8, 6))


def test_a_png_named_jpg_is_stored_as_png():
    # given
    sent = upload(picture("PNG"), name="photo.jpg", content_type="image/jpeg")

    # when
    result = image_checked(sent, "photo")

    # then
    assert str(result.name).endswith(".png")
    assert opened(result).format == "PNG"


def test_two_uploads_of_the_same_name_get_different_names():
    # given
    first, second = upload(picture("PNG"), "bild.png"), upload(picture("PNG"), "bild.png")

    # when
    names = {image_checked(first, "photo").name, image_checked(second, "photo").name}

    # then
    assert len(names) == 2


def test_exif_with_the_gps_position_is_stripped_from_a_jpeg():
    # given
    data = picture("JPEG", exif=exif_with_gps())
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo) != {}

    # when
    result = image_checked(upload(data), "photo")

    # then
    image = opened(result)
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "exif" not in image.info


def test_exif_is_stripped_from_a_png_and_a_webp():
    # given
    png = picture("PNG", exif=exif_with_gps())
    webp = picture("WEBP", exif=exif_with_gps())

    # when
    results = [opened(image_checked(upload(data), "photo")) for data in (png, webp)]

    # then
    assert [dict(image.getexif()) for image in results] == [{}, {}]


def test_comments_and_text_chunks_are_stripped():
    # given
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Alva, Björkskolan 3A")
    sources = [
        picture("JPEG", comment=b"Alva, Bjorkskolan 3A"),
        picture("GIF", comment=b"Alva, Bjorkskolan 3A"),
        picture("PNG", pnginfo=text),
    ]

    # when
    results = [image_checked(upload(data), "photo") for data in sources]

    # then
    assert [b"Alva" in stored(result) for result in results] == [False, False, False]
    assert ["comment" in opened(result).info for result in results] == [False, False, False]


def test_a_sideways_photo_is_stored_upright():
    # given
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90 degrees to show
    data = picture("JPEG", size=(8, 6), exif=exif)

    # when
    result = image_checked(upload(data), "photo")

    # then
    image = opened(result)
    assert (image.size, dict(image.getexif())) == ((6, 8), {})


def test_a_ten_megabyte_file_is_refused():
    # given
    data = picture("PNG")
    huge = upload(data + bytes(10_000_000 - len(data)), "stor.png", "image/png")

    # when
    with pytest.raises(Invalid) as refused:
        image_checked(huge, "photo")

    # then
    assert (refused.value.field, refused.value.message) == (
        "photo",
        "photo: an image may be at most 5 MB.",
    )


def test_a_pdf_renamed_jpg_is_refused():
    # given
    pdf = upload(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")

    # when
    with pytest.raises(Invalid) as refused:
        image_checked(pdf, "photo")

    # then
    assert (refused.value.field, refused.value.message) == ("photo", NOT_A_PICTURE)


def test_an_empty_file_is_refused():
    # when
    with pytest.raises(Invalid) as refused:
        image_checked(upload(b""), "photo")

    # then
    assert (refused.value.field, refused.value.message) == ("photo", "photo: the file is empty.")


@pytest.mark.parametrize(
    "data",
    ["Hej! Det här är en textfil.\n".encode(), picture("PNG")[:40], picture("JPEG")[:200]],
    ids=["text", "truncated png", "truncated jpeg"],
)
def test_a_file_that_does_not_decode_is_refused(data):
    # when
    with pytest.raises(Invalid) as refused:
        image_checked(upload(data), "photo")

    # then
    assert (refused.value.field, refused.value.message) == ("photo", NOT_A_PICTURE)


def test_a_format_other_than_the_four_is_refused():
    # given
    bmp = upload(picture("BMP"), "bild.bmp", "image/bmp")

    # when
    with pytest.raises(Invalid) as refused:
        image_checked(bmp, "photo")

    # then
    assert (refused.value.field, refused.value.message) == ("photo", NOT_A_PICTURE)


def test_a_picture_exactly_at_the_limit_passes(settings):
    # given
    data = picture("PNG")
    settings.IMAGE_MAX_BYTES = 2_000
    padded = data + bytes(2_000 - len(data))  # trailing bytes a decoder ignores

    # when
    result = image_checked(upload(padded, "bild.png", "image/png"), "photo")

    # then
    assert opened(result).size == (8, 6)


def test_a_picture_one_byte_over_the_limit_is_refused(settings):
    # given
    data = picture("PNG")
    settings.IMAGE_MAX_BYTES = 2_000
    padded = data + bytes(2_001 - len(data))

    # when
    with pytest.raises(Invalid) as refused:
        image_checked(upload(padded, "bild.png", "image/png"), "photo")

    # then
    assert (refused.value.field, refused.value.message) == (
        "photo",
        "photo: an image may be at most 0.002 MB.",
    )


def test_a_picture_with_too_many_pixels_is_refused(monkeypatch):
    # given
    monkeypatch.setattr(uploads, "MAX_PIXELS", 8 * 6 - 1)

    # when
    with pytest.raises(Invalid) as refused:
        image_checked(upload(picture("PNG"), "bild.png", "image/png"), "photo")

    # then
    assert (refused.value.field, refused.value.message) == (
        "photo",
        "photo: the picture has too many pixels.",
    )


def animation(frames: int, size: tuple[int, int] = (20, 20)) -> bytes:
    buffer = io.BytesIO()
    images = [Image.new("RGB", size, (40 * n, 0, 0)) for n in range(frames)]
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:])
    return buffer.getvalue()


def test_an_animation_is_limited_by_the_pixels_of_all_its_frames(monkeypatch):
    # given
    monkeypatch.setattr(uploads, "MAX_PIXELS", 1_000)
    small, long = upload(animation(2), "a.gif"), upload(animation(5), "b.gif")

    # when
    kept = image_checked(small, "photo")
    with pytest.raises(Invalid) as refused:
        image_checked(long, "photo")

    # then
    assert (getattr(opened(kept), "n_frames", 1), refused.value.message) == (
        2,
        "photo: the picture has too many pixels.",
    )


def test_a_phone_photo_in_mpo_format_is_kept_as_jpeg():
    # given
    buffer = io.BytesIO()
    first, second = Image.new("RGB", (8, 6), "red"), Image.new("RGB", (8, 6), "blue")
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"

    # when
    result = image_checked(upload(buffer.getvalue(), "IMG_0001.JPG"), "photo")

    # then
    assert (str(result.name)[-4:], opened(result).format) == (".jpg", "JPEG")


def test_something_that_is_not_a_file_is_refused():
    # when
    with pytest.raises(Invalid) as refused:
        image_checked("abc", "images")

    # then
    assert (refused.value.field, refused.value.message) == (
        "images",
        "images: send the file as a multipart upload.",
    )
