"""services/media/images.py: what an upload becomes before anyone can see it."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from fundraiser.services.media import images
from tests.support.media import (
    PDF,
    assert_no_metadata,
    bomb_png,
    gif_bytes,
    opened,
    phone_photo,
    png_bytes,
)


def test_a_phone_photo_loses_every_piece_of_metadata() -> None:
    picture = images.picture(phone_photo(), with_card=True)
    assert_no_metadata(picture.page.data)
    assert picture.card is not None
    assert_no_metadata(picture.card.data)


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_become_jpeg_without_metadata(fmt: str) -> None:
    page = images.picture(phone_photo(fmt=fmt)).page
    assert page.content_type == images.JPEG
    assert_no_metadata(page.data)


def test_the_orientation_is_honoured_before_it_is_dropped() -> None:
    # Orientation 6: the camera was turned; the pixels are stored 800 wide, shown 400 wide.
    page = images.picture(phone_photo((800, 400), orientation=6)).page
    assert (page.width, page.height) == (400, 800)
    image = opened(page.data)
    assert image.size == (400, 800)
    # Red (the stored left half) is on top once turned upright.
    red, _, blue = image.getpixel((200, 100))
    assert red > 200 and blue < 60
    red, _, blue = image.getpixel((200, 700))
    assert blue > 200 and red < 60


def test_wide_pictures_are_scaled_and_the_card_is_cropped_to_size() -> None:
    picture = images.picture(phone_photo((3200, 1000)), with_card=True)
    assert (picture.page.width, picture.page.height) == (1600, 500)
    assert picture.card is not None
    assert opened(picture.card.data).size == images.CARD_SIZE
    small = images.picture(phone_photo((300, 200))).page
    assert (small.width, small.height) == (300, 200)  # never enlarged


def test_transparency_is_flattened_onto_white() -> None:
    page = images.picture(png_bytes((40, 40), mode="RGBA")).page
    assert opened(page.data).getpixel((20, 20)) == (255, 255, 255)


@pytest.mark.parametrize(
    "data",
    [b"not a picture at all", gif_bytes(), PDF, b"<svg xmlns='http://www.w3.org/2000/svg'/>"],
    ids=["text", "gif", "pdf", "svg"],
)
def test_other_kinds_are_refused_as_unsupported(data: bytes) -> None:
    with pytest.raises(images.UnsupportedMedia, match="JPEG, PNG or WebP"):
        images.picture(data)


def test_a_decompression_bomb_is_refused_before_its_pixels_are_decoded() -> None:
    bomb = bomb_png()
    assert len(bomb) < 200_000
    with pytest.raises(images.MediaError, match="pixels") as refused:
        images.picture(bomb)
    assert not isinstance(refused.value, images.UnsupportedMedia)


def test_pixels_over_our_own_limit_are_refused_too() -> None:
    # 8000 x 8000 = 64 MP: under Pillow's own bomb limit, over ours.
    buffer = io.BytesIO()
    Image.new("1", (8_000, 8_000)).save(buffer, format="PNG")
    with pytest.raises(images.MediaError, match="too large"):
        images.picture(buffer.getvalue())


def test_empty_and_cut_short_files_are_refused() -> None:
    with pytest.raises(images.MediaError, match="empty"):
        images.picture(b"")
    photo = phone_photo()
    with pytest.raises(images.MediaError, match="damaged"):
        images.picture(photo[: len(photo) // 2])


def test_a_document_is_a_whole_pdf_or_a_cleaned_picture() -> None:
    assert images.document(PDF) == images.Encoded(PDF, images.PDF)
    with pytest.raises(images.MediaError, match="cut short"):
        images.document(PDF[:40] + b" " * 2000)
    cleaned = images.document(phone_photo())
    assert cleaned.content_type == images.JPEG
    assert_no_metadata(cleaned.data)
    with pytest.raises(images.UnsupportedMedia, match="PDF"):
        images.document(b"PK\x03\x04 a zip file")
