"""A small PNG encoder: an image array → the bytes of a .png file (numpy, zlib, struct).

Enough of the PNG format (ISO/IEC 15948) to write what Backprop Lab draws — the decision
boundary and the per-neuron maps — without a browser or an imaging library:

* 8 bits per channel, grey (colour type 0), RGB (2) or RGBA (6), not interlaced;
* every row filtered with type 0 ("None": the row's bytes as they are), then the whole
  image compressed by zlib in one IDAT chunk;
* the chunks IHDR, IDAT, IEND, each ``length · type · data · CRC-32(type + data)``.

Row 0 of the array is the top row of the picture (as an image is read), so a grid whose
row 0 is the *bottom* of the plane (``bp_core.grids``) is flipped first (``pixels[::-1]``).
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

Array = np.ndarray

#: The eight bytes every PNG file starts with.
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Colour type by number of channels: grey, RGB, RGBA.
COLOUR_TYPES = {1: 0, 3: 2, 4: 6}
#: The largest side written (a bigger picture is a mistake, not a figure).
MAX_SIDE = 8192


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One chunk: length (4 bytes, big-endian), type, data, CRC-32 of type + data."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(pixels: Array, level: int = 6) -> bytes:
    """The bytes of a PNG file showing ``pixels``.

    Parameters
    ----------
    pixels : ndarray of shape (height, width), (height, width, 3) or (height, width, 4)
        Grey, RGB or RGBA values 0 … 255 (uint8, or whole numbers in that range); row 0 is
        the top of the picture.
    level : int
        zlib's compression level, 0 … 9.

    Returns
    -------
    bytes
        The file: signature, IHDR, IDAT, IEND.

    Raises
    ------
    ValueError
        For an array that is not such an image (wrong shape, empty, too large, values
        outside 0 … 255).
    """
    A = np.asarray(pixels)
    if A.ndim == 2:
        A = A[:, :, None]  # (h, w, 1)
    if A.ndim != 3 or A.shape[2] not in COLOUR_TYPES:
        raise ValueError(
            "A PNG image is an array of shape (height, width) for grey, (height, width, 3) "
            f"for RGB or (height, width, 4) for RGBA; got shape {np.shape(pixels)}."
        )
    h, w, channels = A.shape
    if h < 1 or w < 1 or h > MAX_SIDE or w > MAX_SIDE:
        raise ValueError(f"A PNG image needs 1 … {MAX_SIDE} rows and columns; got {h} × {w}.")
    if A.dtype != np.uint8:
        if A.dtype.kind not in "iuf" or not np.all(np.isfinite(A)):
            raise ValueError("PNG pixel values must be numbers 0 … 255.")
        if A.min() < 0 or A.max() > 255 or not np.array_equal(A, np.round(A)):
            raise ValueError("PNG pixel values must be whole numbers 0 … 255.")
        A = A.astype(np.uint8)
    # IHDR: width, height, bit depth 8, colour type, compression 0, filter 0, interlace 0
    header = struct.pack(">IIBBBBB", w, h, 8, COLOUR_TYPES[channels], 0, 0, 0)
    rows = A.reshape(h, w * channels)  # (h, w·channels), one scanline per row
    # each scanline is prefixed with its filter type: 0 = "None"
    raw = np.hstack([np.zeros((h, 1), dtype=np.uint8), rows])  # (h, 1 + w·channels)
    data = zlib.compress(np.ascontiguousarray(raw).tobytes(), level)
    return PNG_SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


__all__ = ["COLOUR_TYPES", "MAX_SIDE", "PNG_SIGNATURE", "encode_png"]
