"""omag settings, read from the environment with safe defaults for local use.

DEBUG is on and the database is SQLite unless told otherwise; with DEBUG off a
SECRET_KEY must be given or start-up stops.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


# --- Core -------------------------------------------------------------------
DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off "
            "(e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'))."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if not DEBUG else "*"
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "cookie_consent",
    "tinymce",
    "reversion",
    "articles",
    "comments",
    "consent",
    "omag.apps.OmagConfig",
]

MIDDLEWARE = [
    # Consent enforcement first, i.e. outside any page cache (keep them above
    # omag.pagecache.PageCacheMiddleware): they act on one reader's cookies.
    "consent.middleware.ConsentCleanCookiesMiddleware",
    "consent.middleware.ConsentCookieFilterMiddleware",
    # As early as it can be, so that a hit skips everything below. Pages are
    # stored with the headers the middlewares below gave them (HSTS, CSP
    # without nonce...); requests those would redirect are never answered
    # from it, nor static files (see omag.pagecache).
    "omag.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Admin headers, login throttling, nonce pages uncached.
    "omag.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "omag.urls"
WSGI_APPLICATION = "omag.wsgi.application"
ASGI_APPLICATION = "omag.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "omag.context_processors.site",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Prepared statements on PostgreSQL through Django's documented options
# (server-side binding, psycopg's prepare_threshold); off by default: see
# docs/performance.md for what they pay. Keep them off behind a pooler that
# cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", False)

# --- Cache ------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that degrades to a miss when Redis is down.
            "BACKEND": "omag.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "omag"),
            # A hung Redis costs a short wait, not a worker (omag/cache.py).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Whole pages for anonymous readers (omag/pagecache.py).
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)
PAGE_CACHE_ALIAS = "default"
# Seconds a page stays fresh at most (purges make it stale sooner).
PAGE_CACHE_TIMEOUT = int(os.environ.get("PAGE_CACHE_TIMEOUT", 600))
# Seconds a page is kept in all: a stale copy is served while the page is
# rendered again, and while the database is unreachable.
PAGE_CACHE_KEEP = int(os.environ.get("PAGE_CACHE_KEEP", 24 * 3600))
# Seconds one worker may take to render a purged page while the others serve
# the previous copy.
PAGE_CACHE_LOCK_SECONDS = 5
# Query parameters (page numbers) that make a distinct cached page.
PAGE_CACHE_QUERY_PARAMS = ("page", "commentaires", "p")
# Per process copy of the most read pages, with Redis (omag/localpages.py); 0: off.
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_MB", 16)) * 2**20
# HTTP caching by browsers and a CDN in front.
PAGE_CACHE_BROWSER_MAX_AGE = 60
PAGE_CACHE_SHARED_MAX_AGE = 60
PAGE_CACHE_STALE_WHILE_REVALIDATE = 300

# --- Auth -------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# --- Language and time ------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date and time formats per language: templates say |date:"DATETIME_FORMAT".
FORMAT_MODULE_PATH = ["omag.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Static files: hashed names, compressed, cached for a year (WhiteNoise) once
# collected; in development they come straight from the app folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Media is served by Django only where no web server or object storage does it.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)

# Lead images: widths of the renditions made once on upload.
ARTICLE_RENDITION_WIDTHS = (320, 640, 960, 1280)

# --- Site -------------------------------------------------------------------
SITE_NAME = os.environ.get("SITE_NAME", "Ô Magazine")
ARTICLES_PER_PAGE = 12
RELATED_ARTICLES_COUNT = 3

# --- Comments ---------------------------------------------------------------
# Console e-mail in development; EMAIL_BACKEND=smtp (with EMAIL_HOST…) in production.
EMAIL_BACKEND_NAME = os.environ.get("EMAIL_BACKEND", "console" if DEBUG else "smtp")
MAILERS = {
    "default": {
        "BACKEND": f"django.core.mail.backends.{EMAIL_BACKEND_NAME}.EmailBackend",
        "OPTIONS": {
            key.lower(): int(value) if key == "PORT" else value
            for key in ("HOST", "PORT", "USERNAME", "PASSWORD")
            if (value := os.environ.get(f"EMAIL_{key}"))
        }
        | ({"use_tls": True} if env_bool("EMAIL_USE_TLS", False) else {})
        if EMAIL_BACKEND_NAME == "smtp"
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "redaction@omag.localhost")
COMMENTS_PER_PAGE = 50  # top-level comments per page, their replies included
COMMENTS_MAX_LENGTH = 5000
# Comments close by themselves this many days after publication (0: never).
COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("COMMENTS_CLOSE_AFTER_DAYS", "0"))
# Approved comments before an e-mail is trusted and approved directly (0: off).
COMMENTS_TRUST_AFTER_APPROVED = 3
COMMENTS_MAX_LINKS = 1  # more links than this holds a comment
COMMENTS_FORM_MIN_SECONDS = 3  # faster than this is a robot
COMMENTS_FORM_MAX_AGE = 6 * 3600  # older than this, the form must be reloaded
COMMENTS_RATE_LIMITS = {"ip": (5, 600), "email": (3, 600)}  # (posts, seconds)
COMMENTS_DUPLICATE_WINDOW = 24 * 3600
COMMENTS_NOTIFY_EVERY = 3600  # at most one e-mail to moderators per period
COMMENTS_IP_RETENTION_DAYS = 365
# Proxies in front of the app that append to X-Forwarded-For (0: use REMOTE_ADDR).
COMMENTS_TRUSTED_PROXIES = int(os.environ.get("COMMENTS_TRUSTED_PROXIES", "0"))
# Where links in e-mails to moderators point.
COMMENTS_SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Comment text: links typed without a scheme become https:// (Django 2028's default).
URLIZE_ASSUME_HTTPS = True

# --- Cookie consent ---------------------------------------------------------
# Six months (CNIL), then asked again; more settings in consent/conf.py.
CONSENT_MAX_AGE = 60 * 60 * 24 * 182
COOKIE_CONSENT_MAX_AGE = CONSENT_MAX_AGE
COOKIE_CONSENT_SAMESITE = "Lax"
# COOKIE_CONSENT_SECURE follows HTTPS: see the security section below.

# --- Editorial workflow (admin) ---------------------------------------------
# Signed preview links for people without an account expire after this long.
ARTICLE_PREVIEW_LINK_MAX_AGE = int(
    os.environ.get("ARTICLE_PREVIEW_LINK_MAX_AGE", str(7 * 24 * 3600))
)
# Lead image uploads: refused above these limits (checked on the content).
ARTICLE_IMAGE_MAX_BYTES = 10 * 1024 * 1024
ARTICLE_IMAGE_MAX_PIXELS = 40_000_000
ARTICLE_IMAGE_MAX_SIDE = 10_000
# The body editor (TinyMCE, shipped by django-tinymce; no CDN). Whatever it
# sends is sanitised again on the server (articles/sanitize.py).
TINYMCE_DEFAULT_CONFIG = {
    "license_key": "gpl",
    "promotion": False,
    "branding": False,
    "menubar": False,
    "height": 480,
    "entity_encoding": "raw",
    "plugins": "autolink,link,lists,image,media,code,wordcount",
    "toolbar": "undo redo | blocks | bold italic | link | bullist numlist | "
    "blockquote | image media | removeformat code",
    "block_formats": "Paragraphe=p; Intertitre=h2; Sous-intertitre=h3",
    "image_caption": True,
    "media_alt_source": False,
    "media_poster": False,
    "relative_urls": False,
    "convert_urls": False,
}

# --- Security (HTTPS, cookies, headers, CSP, admin login) -------------------
# Production is HTTPS: redirects, HSTS and Secure cookies follow HTTPS, on by
# default with DEBUG off. HTTPS=false only for a plain-HTTP run on 127.0.0.1
# with production settings (benchmarks); every value has its own override.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
# Behind a TLS-terminating proxy: the header it sets to "https", e.g.
# SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto (trust it only behind that proxy).
if PROXY_SSL_HEADER := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )
# One year, the value browsers' preload lists expect; subdomains and preload
# are the operator's decision (they bind every subdomain for a year).
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if HTTPS else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Other sites learn that a reader came from omag, never from which page.
SECURE_REFERRER_POLICY = os.environ.get(
    "SECURE_REFERRER_POLICY", "strict-origin-when-cross-origin"
)
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
COOKIE_CONSENT_SECURE = env_bool("COOKIE_CONSENT_SECURE", HTTPS)
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
# comments.js and consent.js read the CSRF token from its cookie.
CSRF_COOKIE_HTTPONLY = False

# Content-Security-Policy (Django's middleware): scripts only from files of
# this origin, no inline script or handler. Reader pages are cached whole, so
# they need no nonce; a page that uses one is never cached (omag/security.py).
# JSON-LD and consent's text/plain placeholders are data, not run as scripts.
_asset_origins = [
    url for url in (STATIC_URL, MEDIA_URL) if url.startswith(("https://", "//"))
]
# Click-to-load embeds (consent.conf.CONSENT_EMBED_PROVIDERS), checked at start.
CSP_FRAME_SRC = env_list(
    "CSP_FRAME_SRC",
    "https://www.youtube-nocookie.com,https://player.vimeo.com,"
    "https://platform.twitter.com,https://www.instagram.com",
)
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, *_asset_origins, CSP.NONCE],
    "style-src": [CSP.SELF, *_asset_origins],
    # Article bodies may show images from other sites (editors paste them).
    "img-src": [CSP.SELF, "https:", *_asset_origins],
    "font-src": [CSP.SELF, *_asset_origins],
    "connect-src": [CSP.SELF],
    "frame-src": CSP_FRAME_SRC,
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "upgrade-insecure-requests": SECURE_SSL_REDIRECT,
    "report-uri": os.environ.get("CSP_REPORT_URI") or None,
}
# The admin's editor (TinyMCE) sets style attributes and shows pasted or
# uploaded images as data:/blob: URLs: only its styles are relaxed.
ADMIN_CSP = SECURE_CSP | {
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE, *_asset_origins],
    "img-src": [CSP.SELF, "https:", "data:", "blob:", *_asset_origins],
}

# Failed admin logins allowed per window (attempts, seconds), counted in the
# shared cache (omag/security.py): per address and account, per address, per
# account (the last one high, so that no one can lock an editor out cheaply).
ADMIN_LOGIN_LIMITS = {
    "ip_username": (5, 15 * 60),
    "ip": (20, 15 * 60),
    "username": (50, 60 * 60),
}

# --- Read replica and media storage (docs/deploy.md) ------------------------
# Optional: reader pages read from a PostgreSQL replica (omag/db.py routes);
# unset, everything stays on DATABASE_URL as before.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
# Seconds a replica may lag: reads stay on the primary this long after a write.
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "5"))
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    # Tests run against the primary's test database through both aliases.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["omag.db.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("omag.pagecache.PageCacheMiddleware") + 1,
        "omag.db.ReplicaPinMiddleware",
    )
for _database in DATABASES.values():
    if DATABASE_PREPARED_STATEMENTS and "postgresql" in _database["ENGINE"]:
        # Bound on the server, each statement is prepared at its first run.
        _database.setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=0
        )

# Optional: uploaded media on S3-compatible object storage (pip install
# 'omag[s3]'); unset, media stays on the local disk under MEDIA_ROOT.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None,
            # Public read through the bucket policy or a CDN, no signed URLs:
            # pages stay cacheable for every reader.
            "querystring_auth": False,
            "file_overwrite": False,
            "default_acl": None,
            "object_parameters": {"CacheControl": "public, max-age=31536000"},
        },
    }
    # Keys come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3)
    # or the instance's role; never from this file.
    SERVE_MEDIA = False
