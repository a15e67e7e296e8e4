"""Every page is photographed (desktop and 320 px) for the reviewer, in a temporary folder and in
outputs/."""

from __future__ import annotations

import struct

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _png_size(data: bytes) -> tuple[int, int]:
    # PNG: 8-byte signature, then the IHDR chunk (length, "IHDR", width, height as big-endian)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_page_has_full_page_screenshots(visits, site_pages, screenshot_folders):
    folder, review = screenshot_folders
    for path in site_pages:
        for suffix, width in (("", 1280), ("-320px", 320)):
            name = f"{path.stem}{suffix}.png"
            data = (folder / name).read_bytes()
            shot_width, shot_height = _png_size(data)
            assert shot_width == width, name
            assert shot_height >= 640, name  # full page: at least the window's height
            assert (review / name).read_bytes() == data, name
    assert sorted(visits) == sorted(path.name for path in site_pages)
