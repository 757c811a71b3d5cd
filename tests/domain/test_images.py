"""A picture's format and size from its header: the four formats Pachca is given as images, and nothing else."""

from __future__ import annotations

import io
import struct

import pytest

from domain.images import Picture, picture


def png(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sIIBBBBB", 13, b"IHDR", width, height, 8, 2, 0, 0, 0) + b"\0" * 64


def jpeg(width: int, height: int, exif: int = 20_000) -> bytes:
    """SOI, a JFIF segment, a large EXIF segment (as phone photos carry), then the frame header (SOF2)."""
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0" + b"\1\1\0\0\1\0\1\0\0"
    app1 = b"\xff\xe1" + struct.pack(">H", exif + 2) + b"E" * exif
    sof = b"\xff\xc2" + struct.pack(">HBHHB", 17, 8, height, width, 3) + b"\0" * 9
    return b"\xff\xd8" + jfif + app1 + b"\xff\xff" + sof + b"\xff\xda" + b"\0" * 32


GIF = b"GIF89a" + struct.pack("<HH", 64, 48) + b"\0" * 32
WEBP_LOSSY = b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a" + struct.pack("<HH", 320, 240) + b"\0" * 8
WEBP_LOSSLESS = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f" + (99 | (49 << 14)).to_bytes(4, "little") + b"\0" * 8
WEBP_EXTENDED = b"RIFF\0\0\0\0WEBPVP8X\x0a\0\0\0\0\0\0\0" + (1919).to_bytes(3, "little") + (1079).to_bytes(3, "little")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (png(1280, 720), Picture("png", 1280, 720)),
        (jpeg(4032, 3024), Picture("jpeg", 4032, 3024)),
        (GIF, Picture("gif", 64, 48)),
        (WEBP_LOSSY, Picture("webp", 320, 240)),
        (WEBP_LOSSLESS, Picture("webp", 100, 50)),
        (WEBP_EXTENDED, Picture("webp", 1920, 1080)),
    ],
)
def test_the_four_formats_give_their_size(data: bytes, expected: Picture) -> None:
    assert picture(io.BytesIO(data)) == expected


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',  # Pachca shows no preview of these
        b"II*\x00\x08\x00\x00\x00" + b"\0" * 32,  # TIFF
        b"8BPS\x00\x01" + b"\0" * 32,  # Photoshop
        b"%PDF-1.7\n",
        b"",
        png(1280, 720)[:20],  # a header cut short
        png(0, 720),  # no size
        jpeg(800, 600)[:30_000].replace(b"\xff\xc2", b"\xff\x00"),  # no frame header before the data ends
    ],
)
def test_anything_else_is_no_picture(data: bytes) -> None:
    assert picture(io.BytesIO(data)) is None
