"""QR codes for printing tracked links (segno: pure Python, no image library needed)."""

from __future__ import annotations

import io

import segno

KINDS = {"svg": "image/svg+xml", "png": "image/png"}
# Print-friendly: 10 px (or SVG units) a module, the standard four-module quiet zone.
SCALE = 10
BORDER = 4


def qr_image(text: str, kind: str, scale: int = SCALE) -> bytes:
    """`text` as a QR code image, dark on white, in `kind` ("svg" or "png"),
    `scale` pixels (or SVG units) a module.

    Error correction M, raised by segno when it fits the same size, so a
    slightly smudged print still scans.
    """
    if kind not in KINDS:
        raise ValueError(f"no QR image kind {kind!r}")
    code = segno.make(text, error="m", micro=False)
    out = io.BytesIO()
    if kind == "svg":
        code.save(out, kind="svg", scale=scale, border=BORDER, light="#fff", xmldecl=False)
    else:
        code.save(out, kind="png", scale=scale, border=BORDER)
    return out.getvalue()
