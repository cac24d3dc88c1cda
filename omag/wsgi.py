import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omag.settings")

# Django refuses a Content-Type header this long while it builds the request,
# before any middleware or error handler runs: it would escape as a 500.
MAX_CONTENT_TYPE = 10_000

django_application = get_wsgi_application()


def application(environ, start_response):
    """Django's WSGI application; an over-long Content-Type is dropped, as
    any other unusable one is ignored: the body is then no form, and the view
    answers as to an empty one (a 4xx for a POST)."""
    if len(environ.get("CONTENT_TYPE", "")) > MAX_CONTENT_TYPE:
        environ["CONTENT_TYPE"] = ""
    return django_application(environ, start_response)
