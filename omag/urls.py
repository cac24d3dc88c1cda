from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from .health import health
from .views import media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # For load balancers: database and cache state (omag/health.py).
    path("sante/", health, name="health"),
]

# Reader pages are French at / and English under /en/: the language is in the
# URL, never negotiated from headers, so a page cache needs no Vary on it.
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include("consent.urls")),
    prefix_default_language=False,
)
urlpatterns += i18n_patterns(
    path("commentaires/", include("comments.urls")),
    prefix_default_language=False,
)

urlpatterns += [
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", media, name="media"),
]
