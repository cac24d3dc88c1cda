"""Template fragments that are the same on every page (or many pages),
rendered once per process.

A reader page not served from the page cache renders its banner, navigation
and language links again each time, though they change only with the
language or what they list. render_once() renders such a template from the
values it is given alone, and keeps the result for those values."""

from functools import lru_cache

from django.template import Context
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language


def render_once(context, template_name: str, **values) -> str:
    """`template_name` rendered with `values` (hashable: strings, numbers,
    tuples) as its only context. Everything else it may depend on is in the
    key too: the template itself (a changed template renders anew), the
    language and the time zone."""
    template = context.template.engine.get_template(template_name)
    return _render(
        template,
        get_language(),
        get_current_timezone(),
        tuple(sorted(values.items())),
    )


# A few fragments per language and page kind (the navigation's current
# section, the language links of each path).
@lru_cache(maxsize=1024)
def _render(template, _language, _timezone, values):
    return template.render(Context(dict(values)))


class KeptMarkup(dict):
    """Markup kept per process by a key that holds everything it shows (so a
    change of any shown value is another key), at most `size` of them:
    emptied when full, which is cheaper than tracking an order of use on
    every page. Its users render on a miss from the page's own objects, which
    a cached function's arguments could not carry."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def keep(self, key, markup):
        if len(self) >= self.size:
            self.clear()
        self[key] = markup
        return markup
