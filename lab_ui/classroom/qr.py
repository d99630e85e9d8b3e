"""The class link as a QR code: drawn by ``segno`` (offline, no hand-made QR), as SVG.

Error correction level M (15 %: a projector's glare or a head in the way), a quiet zone of
four modules as the standard asks, black on white; the page shows it as an image
(``st.image`` of the SVG text, never as HTML), as wide as its column (~370 px on a 1920 px
projector): a link of ~40 characters is a version 3 code of 29 modules plus the quiet zone,
~10 px a module, about 7 cm on a 3.5 m wide projection, which a phone reads from ~20 m.
"""

from __future__ import annotations

import io

import segno


def svg(link: str) -> str:
    """The QR code of ``link`` as an SVG document (``st.image`` takes SVG as text)."""
    code = segno.make(link, error="m", micro=False)
    buf = io.BytesIO()
    code.save(buf, kind="svg", scale=10, border=4, dark="#000", light="#fff", xmldecl=False)
    return buf.getvalue().decode("utf-8")


__all__ = ["svg"]
