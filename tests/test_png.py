"""bp_core.io.png: the PNG encoder's files decode to the pixels given.

The decoder here is written from the PNG specification, independently of the encoder: it
walks the chunks, checks every CRC-32, reads IHDR, inflates the IDAT data and undoes all
five row filters (the encoder writes only filter 0, so a decoder that knew only that would
test less).  When Pillow happens to be installed it is asked too (it is not a dependency).
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bp_core.io import png

HAS_PIL = importlib.util.find_spec("PIL") is not None


def chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk; fails on a bad signature, length or CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + n]
        (crc,) = struct.unpack(">I", data[pos + 8 + n : pos + 12 + n])
        assert len(body) == n
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        out.append((kind, body))
        pos += 12 + n
    assert pos == len(data)
    return out


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def decode(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit grey / RGB / RGBA PNG, (h, w, channels), row 0 at the top."""
    parts = chunks(data)
    kinds = [k for k, _ in parts]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    w, h, depth, colour, comp, filt, interlace = struct.unpack(">IIBBBBB", parts[0][1])
    assert (depth, comp, filt, interlace) == (8, 0, 0, 0)
    channels = {0: 1, 2: 3, 6: 4}[colour]
    raw = zlib.decompress(b"".join(b for k, b in parts if k == b"IDAT"))
    stride = w * channels
    assert len(raw) == h * (1 + stride)
    img = np.zeros((h, stride), dtype=np.int64)
    for i in range(h):
        ftype, line = raw[i * (1 + stride)], raw[i * (1 + stride) + 1 : (i + 1) * (1 + stride)]
        prev = img[i - 1] if i else np.zeros(stride, dtype=np.int64)
        row = img[i]
        for x in range(stride):
            a = row[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            pred = {0: 0, 1: a, 2: b, 3: (a + b) // 2, 4: _paeth(a, b, c)}[ftype]
            row[x] = (line[x] + pred) % 256
    return img.reshape(h, w, channels).astype(np.uint8)


images = st.sampled_from([1, 3, 4]).flatmap(
    lambda c: hnp.arrays(
        np.uint8,
        st.tuples(st.integers(1, 9), st.integers(1, 9)).map(lambda s: (*s, c)),
    )
)


@settings(max_examples=60, deadline=None)
@given(images)
def test_decodes_to_the_pixels(A):
    data = png.encode_png(A if A.shape[2] > 1 else A[:, :, 0])
    np.testing.assert_array_equal(decode(data), A)


def test_header_size_and_colour_type():
    A = np.zeros((5, 7, 3), dtype=np.uint8)
    A[0, 0] = (255, 0, 0)  # top-left red
    A[4, 6] = (0, 0, 255)  # bottom-right blue
    parts = chunks(png.encode_png(A))
    assert [k for k, _ in parts] == [b"IHDR", b"IDAT", b"IEND"]
    w, h, depth, colour, *_ = struct.unpack(">IIBBBBB", parts[0][1])
    assert (w, h, depth, colour) == (7, 5, 8, 2)
    out = decode(png.encode_png(A))
    assert tuple(out[0, 0]) == (255, 0, 0) and tuple(out[4, 6]) == (0, 0, 255)
    assert parts[2][1] == b""


def test_a_hand_made_file_byte_for_byte():
    """A 1 × 1 grey pixel of value 7: the chunks written out by hand from the spec."""
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00\x07", 6)  # filter 0, then the pixel

    def chunk(kind, body):
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    expected = png.PNG_SIGNATURE + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    assert png.encode_png(np.array([[7]], dtype=np.uint8)) == expected


def test_whole_floats_are_accepted_and_others_refused():
    A = np.full((2, 2, 3), 128.0)
    np.testing.assert_array_equal(decode(png.encode_png(A)), np.full((2, 2, 3), 128, np.uint8))
    for bad, words in (
        (np.full((2, 2, 3), 256.0), "0 … 255"),
        (np.full((2, 2, 3), 0.5), "whole numbers"),
        (np.full((2, 2, 3), np.nan), "numbers 0 … 255"),
        (np.zeros((2, 2, 2), np.uint8), "shape"),
        (np.zeros((0, 3, 3), np.uint8), "rows and columns"),
        (np.zeros(5, np.uint8), "shape"),
    ):
        with pytest.raises(ValueError, match=words):
            png.encode_png(bad)


@pytest.mark.skipif(not HAS_PIL, reason="Pillow is not installed (an optional extra check)")
@pytest.mark.parametrize("channels,mode", [(1, "L"), (3, "RGB"), (4, "RGBA")])
def test_pillow_reads_it(channels, mode):
    from PIL import Image

    rng = np.random.default_rng(3)
    A = rng.integers(0, 256, size=(13, 17, channels), dtype=np.uint8)
    im = Image.open(io.BytesIO(png.encode_png(A if channels > 1 else A[:, :, 0])))
    im.load()
    assert im.mode == mode and im.size == (17, 13)
    got = np.asarray(im)
    np.testing.assert_array_equal(got if channels > 1 else got[:, :, None], A)
