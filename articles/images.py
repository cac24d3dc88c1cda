"""Lead image renditions: made once with Pillow when the image is saved, never
on a page request. Each width exists as WebP and as a JPEG fallback."""

import hashlib
from io import BytesIO
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps

JPEG_QUALITY = 82
WEBP_QUALITY = 78


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def build_renditions(field_file, widths=None) -> dict:
    """Write the renditions of an uploaded image and describe them.

    The returned dict is stored on the article so that pages render the
    <picture> without touching the disk or the database again.
    """
    widths = sorted(widths or settings.ARTICLE_RENDITION_WIDTHS)
    field_file.open("rb")
    try:
        data = field_file.read()
    finally:
        field_file.close()
    digest = hashlib.sha256(data).hexdigest()[:12]
    with Image.open(BytesIO(data)) as source:
        source = ImageOps.exif_transpose(source).convert("RGB")
        width, height = source.size
        targets = [w for w in widths if w < width] + [min(width, widths[-1])]
        stem = PurePosixPath(field_file.name).stem[:60]
        items = []
        for target in sorted(set(targets)):
            target_height = round(height * target / width)
            resized = source.resize((target, target_height), Image.Resampling.LANCZOS)
            item = {"w": target, "h": target_height}
            for fmt, ext in (("WEBP", "webp"), ("JPEG", "jpg")):
                name = f"renditions/{digest[:2]}/{stem}-{digest}-{target}.{ext}"
                if not default_storage.exists(name):
                    name = default_storage.save(
                        name, ContentFile(_encode(resized, fmt))
                    )
                item[ext] = name
            items.append(item)
    return {"source": field_file.name, "width": width, "height": height, "items": items}


def rendition_url(name: str) -> str:
    """The public URL of a rendition (media URLs are public and unsigned: see
    STORAGES in settings)."""
    return default_storage.url(name)


SOCIAL_SIZE = (1200, 630)


def build_social_rendition(field_file, size=SOCIAL_SIZE) -> dict:
    """The 1200×630 JPEG that OpenGraph and Twitter cards show, cropped around
    the centre. Made once when the image is saved, like the other renditions."""
    field_file.open("rb")
    try:
        data = field_file.read()
    finally:
        field_file.close()
    digest = hashlib.sha256(data).hexdigest()[:12]
    stem = PurePosixPath(field_file.name).stem[:60]
    name = f"renditions/{digest[:2]}/{stem}-{digest}-{size[0]}x{size[1]}.jpg"
    if not default_storage.exists(name):
        with Image.open(BytesIO(data)) as source:
            source = ImageOps.exif_transpose(source).convert("RGB")
            card = ImageOps.fit(source, size, Image.Resampling.LANCZOS)
            name = default_storage.save(name, ContentFile(_encode(card, "JPEG")))
    # The size in bytes is what a feed enclosure must announce.
    return {
        "jpg": name,
        "w": size[0],
        "h": size[1],
        "bytes": default_storage.size(name),
    }
