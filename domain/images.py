"""A picture's format and size read from its first bytes (PNG, JPEG, GIF, WebP), with no image library.

Pachca shows `file_type: image` as a preview and asks for `width` and `height` with it; it documents no list of the
formats it previews, so the bridge marks as images only these four, which every browser shows (docs/files.md)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import BinaryIO

MAX_JPEG_SEGMENTS = 256  # markers walked before the frame header; a real file has a handful
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0..SOF15, not DHT, JPG, DAC


@dataclass(frozen=True)
class Picture:
    format: str  # png, jpeg, gif, webp
    width: int
    height: int


def picture(stream: BinaryIO) -> Picture | None:
    """The picture in `stream` (read from its start), or None when it is not one of the four formats or its header
    is broken."""
    head = stream.read(32)
    try:
        if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
            return _sized("png", *struct.unpack(">II", head[16:24]))
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return _sized("gif", *struct.unpack("<HH", head[6:10]))
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return _webp(head)
        if head[:3] == b"\xff\xd8\xff":
            stream.seek(2)
            return _jpeg(stream)
    except struct.error:
        return None
    return None


def _webp(head: bytes) -> Picture | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return _sized("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and head[20:21] == b"\x2f":
        bits = int.from_bytes(head[21:25], "little")
        return _sized("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X":
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return _sized("webp", width, height)
    return None


def _jpeg(stream: BinaryIO) -> Picture | None:
    for _ in range(MAX_JPEG_SEGMENTS):
        marker = stream.read(2)
        while marker[:1] == b"\xff" and marker[1:2] == b"\xff":  # fill bytes before a marker
            marker = marker[1:] + stream.read(1)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        kind = marker[1]
        if kind in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            return None
        (length,) = struct.unpack(">H", length_bytes)
        if kind in _JPEG_FRAMES:
            frame = stream.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return _sized("jpeg", width, height)
        if kind == 0xDA or length < 2:  # image data before any frame header: not a picture to trust
            return None
        stream.seek(length - 2, 1)
    return None


def _sized(kind: str, width: int, height: int) -> Picture | None:
    return Picture(kind, width, height) if width > 0 and height > 0 else None
