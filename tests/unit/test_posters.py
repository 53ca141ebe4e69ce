"""Posters: what is refused (too large, wrong type, content not its claimed type, decompression
bombs, damaged files) with nothing stored, and what is kept (re-encoded JPEG, resized, EXIF gone,
named by content)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from shuxiang.posters import MAX_BYTES, MAX_SIDE, PosterRefused, PosterStore


def image_bytes(fmt: str, size=(800, 600), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 80, 40) if mode == "RGB" else (200, 80, 40, 128)).save(out, fmt, **save)
    return out.getvalue()


def with_gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # orientation: rotate 90°
    gps = exif.get_ifd(0x8825)
    gps[2] = (39.0, 5.0, 0.0)  # GPSLatitude
    return image_bytes("JPEG", size=(400, 200), exif=exif.tobytes())


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG that claims 30000×30000 pixels (0.9 gigapixel): the header alone says so."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + b"\x00" * width  # grayscale, filter byte + zeros
    compressed = zlib.compress(row * 16, 9)  # only a few rows: enough for the header to be read
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", compressed)
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def store(tmp_path: Path) -> PosterStore:
    return PosterStore(tmp_path / "posters")


def stored_files(store: PosterStore) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else []


@pytest.mark.parametrize("fmt,content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_jpeg_png_and_webp_are_kept_as_a_fresh_jpeg_named_by_content(store, fmt, content_type) -> None:
    poster = store.add(image_bytes(fmt), content_type=content_type)
    path = store.path(poster.name)
    assert path.is_file() and poster.name.endswith(".jpg") and len(poster.name) == 68
    with Image.open(path) as kept:
        assert kept.format == "JPEG" and kept.size == (800, 600)
    assert store.add(image_bytes(fmt), content_type=content_type) == poster  # same content, same file
    assert len(stored_files(store)) == 1


def test_large_images_are_shrunk_and_exif_with_gps_is_dropped(store) -> None:
    big = store.add(image_bytes("PNG", size=(4000, 3000)), filename="poster.PNG")
    assert (big.width, big.height) == (MAX_SIDE, 1200)
    rotated = store.add(with_gps_exif(), content_type="image/jpeg")
    with Image.open(store.path(rotated.name)) as kept:
        assert kept.size == (200, 400)  # the orientation applied, then dropped
        assert not kept.getexif() and "exif" not in kept.info and "icc_profile" not in kept.info
    assert b"PhoneMaker" not in store.path(rotated.name).read_bytes()


def test_transparency_is_flattened_on_white(store) -> None:
    poster = store.add(image_bytes("PNG", mode="RGBA"), content_type="image/png")
    with Image.open(store.path(poster.name)) as kept:
        assert kept.mode == "RGB"


@pytest.mark.parametrize(
    ("data", "content_type", "filename", "words"),
    [
        (b"\xff" * (MAX_BYTES + 1), "image/jpeg", None, "海报文件太大"),
        (image_bytes("GIF"), "image/gif", "a.gif", "海报只能是 JPEG、PNG 或 WebP 图片"),
        (b"%PDF-1.7\n", "application/pdf", "a.pdf", "海报只能是 JPEG、PNG 或 WebP 图片"),
        (image_bytes("PNG"), "image/jpeg", "a.jpg", "文件内容是 PNG，与声明的 JPEG 不符"),
        (image_bytes("GIF"), "image/png", "a.png", "文件内容不是 JPEG、PNG 或 WebP 图片"),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "image/png",
            None,
            "文件内容不是 JPEG、PNG 或 WebP 图片",
        ),
        (png_bomb(), "image/png", None, "海报像素太多"),
        (png_bomb(8000, 6000), "image/png", None, "海报像素太多（8000×6000"),
        (image_bytes("JPEG")[:300], "image/jpeg", None, "图片已损坏"),
        (b"", "image/png", None, "海报文件是空的"),
    ],
    ids=[
        "too-large",
        "gif",
        "pdf",
        "png-claimed-jpeg",
        "gif-claimed-png",
        "svg-claimed-png",
        "bomb",
        "too-many-pixels",
        "truncated",
        "empty",
    ],
)
def test_refusals_say_why_and_store_nothing(store, data, content_type, filename, words) -> None:
    with pytest.raises(PosterRefused) as refused:
        store.add(data, content_type=content_type, filename=filename)
    assert words in refused.value.zh
    assert refused.value.en
    assert stored_files(store) == []


def test_only_poster_names_map_to_files(store) -> None:
    assert store.path("../../etc/passwd") is None
    assert store.path("a" * 64 + ".png") is None
    assert store.path("a" * 64 + ".jpg") is not None
