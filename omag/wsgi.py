import os

from django.core.exceptions import BadRequest
from django.core.handlers.wsgi import WSGIRequest
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omag.settings")


class Request(WSGIRequest):
    """Django parses Content-Type while it builds the request, before any
    middleware or error handler runs: a header it refuses (over 10,000
    characters) would escape as a 500. Such a header is ignored instead, as
    any other unusable Content-Type is: the body is then no form, and the
    view answers as to an empty one (a 4xx for a POST)."""

    def _set_content_type_params(self, meta):
        try:
            super()._set_content_type_params(meta)
        except BadRequest:
            self.content_type, self.content_params = "", {}


application = get_wsgi_application()
application.request_class = Request
