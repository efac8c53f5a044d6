"""Every uploaded picture goes through here: checked by its content, turned upright,
converted to sRGB, re-encoded as JPEG from its pixels alone.

Nothing of the original file survives but the pixels: no EXIF (so no GPS
position, camera serial or date), no XMP, no ICC profile or comments. A photo
from a phone can say where the organiser lives; donors and organisers may be
at risk, so this is the only road from an upload to a served file.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from ...errors import UserError

JPEG, PDF = "image/jpeg", "application/pdf"
# What we decode. Others (GIF, HEIC, TIFF, SVG...) are refused: fewer decoders, fewer holes.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
# A 48-megapixel phone photo fits; a "decompression bomb" (a small file that
# decodes to gigabytes) does not, and is refused before its pixels are decoded.
MAX_PIXELS = 50_000_000
MAX_SIDE = 16_000
PAGE_WIDTH = 1600  # the widest copy the page needs
PAGE_MAX_HEIGHT = 2400  # a very tall picture is scaled to this instead
CARD_SIZE = (1200, 630)  # the share card (Open Graph, Twitter)
JPEG_QUALITY = 85


class MediaError(UserError, ValueError):
    """An upload that cannot be used (damaged, too many pixels); the message is for the organiser."""


class UnsupportedMedia(MediaError):
    """An upload of a kind not accepted here (not a picture, or not JPEG, PNG, WebP or PDF)."""


@dataclass(frozen=True, slots=True)
class Encoded:
    """A file ready to store and serve: its bytes, type and (pictures) pixel size."""

    data: bytes
    content_type: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class Picture:
    """A processed upload: the page's copy and, when asked for, the share card's crop."""

    page: Encoded
    card: Encoded | None = None


def _decode(data: bytes) -> Image.Image:
    """The upload's first frame, fully decoded, or MediaError / UnsupportedMedia."""
    if not data:
        raise MediaError("The file is empty.")
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice it: make that a refusal too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            width, height = image.size
            # Checked from the header, before any pixel is decoded.
            if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
                raise MediaError(
                    f"The picture is too large ({width} × {height} pixels);"
                    " please send one under 50 megapixels."
                )
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise MediaError(
            "The picture has too many pixels; please send one under 50 megapixels."
        ) from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedMedia("Please send a JPEG, PNG or WebP picture.") from exc
    except MediaError:
        raise
    except Exception as exc:  # a truncated or malformed file: Pillow raises many kinds
        raise MediaError("The picture could not be read; it may be damaged or cut short.") from exc
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """`image` in sRGB when it carries another colour profile (a phone's Display P3,
    say), so the colours stay right once the profile is dropped."""
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image  # a broken profile: keep the pixels as they are
    return converted if converted is not None else image


def _clean_pixels(image: Image.Image) -> Image.Image:
    """Upright, sRGB, opaque RGB pixels in a new image that carries nothing else."""
    # A malformed EXIF block: show the pixels as stored.
    with contextlib.suppress(Exception):
        image = ImageOps.exif_transpose(image)  # honour the orientation, then it is gone
    image = _to_srgb(image)
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    rgb = image.convert("RGB")
    # From raw pixels: no info dict, EXIF, XMP, ICC or comment can come along.
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


def _jpeg(image: Image.Image) -> Encoded:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return Encoded(buffer.getvalue(), JPEG, image.width, image.height)


def picture(data: bytes, *, with_card: bool = False) -> Picture:
    """Check and re-encode an uploaded picture: at most PAGE_WIDTH wide for the page,
    plus (`with_card`) a CARD_SIZE crop for share cards. Both JPEG, metadata-free.

    Raises UnsupportedMedia (not a JPEG, PNG or WebP) or MediaError (empty,
    damaged, too many pixels).
    """
    clean = _clean_pixels(_decode(data))
    page = clean.copy()
    page.thumbnail((PAGE_WIDTH, PAGE_MAX_HEIGHT), Image.Resampling.LANCZOS)
    card = None
    if with_card:
        # Cropped around a point a little above the middle, where faces and titles tend to be.
        card = _jpeg(ImageOps.fit(clean, CARD_SIZE, Image.Resampling.LANCZOS, centering=(0.5, 0.4)))
    return Picture(page=_jpeg(page), card=card)


def document(data: bytes) -> Encoded:
    """A bank's confirmation: a PDF (checked by its magic bytes and end marker, kept
    as sent) or a picture (re-encoded and stripped as `picture` does).

    Raises UnsupportedMedia for anything else, MediaError for a damaged file.
    """
    if data.startswith(b"%PDF-"):
        # A complete PDF ends with %%EOF (tools may add a little after it).
        if b"%%EOF" not in data[-1024:]:
            raise MediaError("The PDF looks cut short; please send the whole file.")
        return Encoded(data, PDF)
    try:
        return picture(data).page
    except UnsupportedMedia as exc:
        raise UnsupportedMedia("Please send a PDF, or a JPEG, PNG or WebP picture.") from exc
