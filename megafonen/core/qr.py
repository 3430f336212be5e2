"""QR codes for posters, screens and leaflets (segno: pure Python, no image library needed)."""

from __future__ import annotations

import io

import segno


def qr_svg(data: str, *, title: str, scale: int = 8) -> str:
    """An SVG QR code with a text alternative (``<title>``) for screen readers."""
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,
        title=title,
        xmldecl=False,
        svgclass="qr-code",
        nl=False,
    )
    return buffer.getvalue().decode()


def qr_png(data: str, *, scale: int = 10) -> bytes:
    code = segno.make(data, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
