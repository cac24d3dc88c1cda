from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.static import serve


def media(request, path):
    """Uploaded media, for set-ups where no web server or object storage
    serves it (local demo, tests). Settings are read per request on purpose."""
    if not settings.SERVE_MEDIA:
        raise Http404
    try:
        return serve(request, path, document_root=settings.MEDIA_ROOT)
    except (OSError, ValueError):
        # A name the file system refuses (too long, a NUL byte) names no file.
        raise Http404(_("Fichier introuvable.")) from None
