"""Pictures for upload tests, made with Pillow, carrying the metadata a phone writes;
posting them the way the dashboard's forms do; and reading what the app serves back."""

from __future__ import annotations

import io
import re
from typing import Any

from flask.testing import FlaskClient
from PIL import Image, ImageCms
from werkzeug.test import TestResponse

from tests.support.dashboard import hidden_fields

# 55°45′N 37°37′E: where the test photo claims it was taken.
GPS = {1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)}
CAMERA = "SecretPhone 12"
COMMENT = b"taken at the safe house"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>'
    b"Robin Secret</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
)
EXIF_GPS_IFD, EXIF_MAKE, EXIF_ORIENTATION = 0x8825, 0x010F, 0x0112
_MEDIA = re.compile(r"/media/(?P<sha>[0-9a-f]{64})\.(?P<ext>jpg|pdf)")


def phone_photo(
    size: tuple[int, int] = (800, 400), *, orientation: int | None = None, fmt: str = "JPEG"
) -> bytes:
    """A photo as a phone saves it: GPS position, camera make, XMP, a comment and an
    ICC profile. The left half is red and the right blue, so rotation shows."""
    image = Image.new("RGB", size, "blue")
    image.paste(Image.new("RGB", (size[0] // 2, size[1]), "red"), (0, 0))
    exif = Image.Exif()
    exif[EXIF_MAKE] = CAMERA
    exif[EXIF_GPS_IFD] = GPS
    if orientation is not None:
        exif[EXIF_ORIENTATION] = orientation
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    extra: dict[str, Any] = {"exif": exif, "icc_profile": icc}
    if fmt == "JPEG":
        extra.update(comment=COMMENT, xmp=XMP)
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **extra)
    data = buffer.getvalue()
    assert b"Exif" in data or fmt != "JPEG"  # the test picture really carries it
    return data


def png_bytes(size: tuple[int, int] = (64, 64), mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return buffer.getvalue()


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), "green").save(buffer, format="GIF")
    return buffer.getvalue()


def bomb_png() -> bytes:
    """A few kilobytes of PNG that decode to 30,000 × 30,000 pixels (900 megapixels)."""
    buffer = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def post_files(
    client: FlaskClient, page: str, action: str | None = None, **fields: Any
) -> TestResponse:
    """Open `page`, take its hidden fields, and POST `fields` as multipart to `action`
    (default: the page); a bytes value is sent as a file named after its field."""
    html = client.get(page).get_data(as_text=True)
    data: dict[str, Any] = hidden_fields(html)
    for name, value in fields.items():
        data[name] = (io.BytesIO(value), f"{name}.bin") if isinstance(value, bytes) else value
    return client.post(action or page, data=data, content_type="multipart/form-data")


def media_paths(html: str) -> list[str]:
    """Every /media/<hash>.<ext> path on a page, in order."""
    return [m.group(0) for m in _MEDIA.finditer(html)]


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_no_metadata(data: bytes) -> None:
    """The served bytes carry pixels only: no EXIF (GPS, camera), XMP, ICC or comment."""
    image = opened(data)
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert not image.getexif().get_ifd(EXIF_GPS_IFD)
    for key in ("exif", "xmp", "icc_profile", "comment", "photoshop"):
        assert key not in image.info, key
    for marker in (b"Exif", CAMERA.encode(), COMMENT, b"xmpmeta", b"Robin Secret", b"ICC_PROFILE"):
        assert marker not in data, marker
