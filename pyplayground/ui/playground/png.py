"""A tiny PNG encoder (NumPy + zlib) for thumbnails and the boundary export."""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(rgba: np.ndarray) -> bytes:
    """Encode an (h, w, 4) uint8 RGBA image as PNG bytes."""
    img = np.ascontiguousarray(rgba, dtype=np.uint8)
    if img.ndim != 3 or img.shape[2] != 4:
        raise ValueError(f"Expected an (h, w, 4) RGBA image. Got shape {img.shape}.")
    h, w, _ = img.shape
    rows = np.concatenate([np.zeros((h, 1), dtype=np.uint8), img.reshape(h, w * 4)], axis=1)
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + _chunk(b"IEND", b"")
    )


def upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour upscaling of an (h, w, ...) image by an integer factor."""
    return np.repeat(np.repeat(img, factor, axis=0), factor, axis=1)


def png_data_uri(rgba: np.ndarray) -> str:
    """A ``data:image/png;base64,...`` URI of an RGBA image."""
    return "data:image/png;base64," + base64.b64encode(encode_png(rgba)).decode("ascii")


def svg_image(rgba: np.ndarray, size: int, *, inactive: bool = False) -> str:
    """An inline SVG of ``size`` px showing the image (for button icons)."""
    opacity = "0.35" if inactive else "1"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}" aria-hidden="true">'
        f'<image href="{png_data_uri(rgba)}" width="{size}" height="{size}" '
        f'opacity="{opacity}" style="image-rendering:pixelated"/></svg>'
    )


__all__ = ["encode_png", "png_data_uri", "svg_image", "upscale"]
