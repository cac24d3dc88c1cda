from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.static import serve

# The only types uploads and their renditions can have (articles/forms.py);
# a file with any other name is handed out as an inert download.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# Even opened directly, a media file runs nothing and loads nothing.
MEDIA_CSP = "default-src 'none'; sandbox"


def media(request, path):
    """Uploaded media, for set-ups where no web server or object storage
    serves it (local demo, tests). Settings are read per request on purpose.

    The type comes from the allowlist above, never from guessing, so that no
    file is ever served as HTML or SVG (see README, "Media in production")."""
    if not settings.SERVE_MEDIA:
        raise Http404
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):
        # A name the file system refuses (too long, a NUL byte) names no file.
        raise Http404(_("Fichier introuvable.")) from None
    content_type = MEDIA_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        response["Content-Type"] = "application/octet-stream"
        disposition = response.get("Content-Disposition", "inline")
        response["Content-Disposition"] = "attachment" + disposition.removeprefix(
            "inline"
        )
    else:
        response["Content-Type"] = content_type
    del response["Content-Encoding"]  # a .gz is a download, not a page to inflate
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response
