"""Reading QR codes back, as a phone would: zxing-cpp decodes a picture of the code.

The PNG is decoded as served. The SVG is drawn into a picture first, from
segno's path (a stroke one module wide along each row: "M x y", "m dx dy",
"h n"), so what is decoded is what a printer would draw.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import zxingcpp
from PIL import Image, ImageDraw

SVG_NS = "{http://www.w3.org/2000/svg}"
_COMMAND = re.compile(r"([MmHhZz])([^MmHhZz]*)")
PIXELS_PER_MODULE = 8


def decode(image: Image.Image) -> list[str]:
    """The text of every QR code zxing-cpp finds in `image`."""
    return [
        found.text
        for found in zxingcpp.read_barcodes(image)
        if found.format == zxingcpp.BarcodeFormat.QRCode
    ]


def decode_png(data: bytes) -> list[str]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return decode(image)


def svg_picture(data: bytes) -> Image.Image:
    """Draw segno's SVG (its dark-module path over a light square) into a picture."""
    root = ET.fromstring(data)
    assert root.tag == SVG_NS + "svg"
    paths = list(root.iter(SVG_NS + "path"))
    assert [p.get("fill") for p in paths if p.get("fill")] == ["#fff"], "a white ground to print on"
    dark = [p for p in paths if p.get("class") == "qrline"]
    assert len(dark) == 1, "one path draws the dark modules"
    scale = 1.0
    for group in root.iter(SVG_NS + "g"):
        match = re.fullmatch(r"scale\(([\d.]+)\)", group.get("transform", ""))
        if match:
            scale = float(match.group(1))
    modules = round(float(root.get("width", "0")) / scale)
    assert modules == round(float(root.get("height", "0")) / scale) > 21
    size = modules * PIXELS_PER_MODULE
    picture = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(picture)
    x = y = 0.0
    for command, args in _COMMAND.findall(dark[0].get("d", "")):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command in "hH":
            end = numbers[0] if command == "H" else x + numbers[0]
            row = int(y)  # a stroke one module wide, centred on y = row + 0.5
            left, right = sorted((x, end))
            draw.rectangle(
                [
                    round(left * PIXELS_PER_MODULE),
                    row * PIXELS_PER_MODULE,
                    round(right * PIXELS_PER_MODULE) - 1,
                    (row + 1) * PIXELS_PER_MODULE - 1,
                ],
                fill=0,
            )
            x = end
    return picture


def decode_svg(data: bytes) -> list[str]:
    return decode(svg_picture(data))
