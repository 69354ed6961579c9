"""Image files for upload tests, made on the fly."""

from __future__ import annotations

import io
import os

from PIL import Image


def png(width: int = 120, height: int = 40, color=(200, 30, 30), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def jpeg_with_exif(width: int = 64, height: int = 64) -> bytes:
    image = Image.new("RGB", (width, height), (10, 120, 60))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {2: (40.0, 26.0, 46.0)}  # GPS latitude
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def big_noise_png(megabytes: float = 5.0) -> bytes:
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 1
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=0)
    return buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
