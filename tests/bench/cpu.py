"""CPU time per request of the measured pages, in process (Django test
client, DEBUG off): a figure that other programs on a shared machine disturb
far less than wrk's requests per second, to compare two versions of the code.

    DATABASE_URL=postgres://…/omag_bench_small REDIS_URL=redis://…/5 \
        python tests/bench/cpu.py
"""

import time

from inprocess import setup

setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from articles.templatetags.articles import ARTICLE_MARKUP, TEASER_MARKUP  # noqa: E402
from comments.display import _markup  # noqa: E402
from comments.templatetags.comments import BLOCK_MARKUP  # noqa: E402

PAGES = {
    "article": "/article/bench-article/",
    "home": "/",
    "section": "/rubrique/gen-rubrique-0/",
}


def cpu_ms(client, path, requests=30, rounds=3, before=None):
    """The best of a few rounds: the least disturbed one."""
    for _ in range(5):
        assert client.get(path).status_code == 200
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(requests):
            if before:
                before()
            client.get(path)
        best = min(best, (time.process_time() - start) / requests * 1000)
    return best


def main():
    client = Client()
    with override_settings(PAGE_CACHE_ENABLED=False):
        for name, path in PAGES.items():
            print(f"{name + ' uncached':20} {cpu_ms(client, path):7.2f} ms CPU")
        # The same, as the first render in this process of this article, its
        # comments and teasers: no markup of theirs kept yet.
        cold = cpu_ms(client, PAGES["article"], before=forget_article)
        print(f"{'article, cold':20} {cold:7.2f} ms CPU")
        cold = cpu_ms(client, PAGES["home"], before=TEASER_MARKUP.clear)
        print(f"{'home, cold':20} {cold:7.2f} ms CPU")
    if settings.PAGE_CACHE_ENABLED:
        hit = cpu_ms(client, PAGES["article"], requests=500)
        print(f"{'article cached':20} {hit:7.2f} ms CPU")
    # The baseline of make bench (needs collectstatic into STATIC_ROOT).
    static = cpu_ms(client, static_url("css/site.css"), requests=500)
    print(f"{'static file':20} {static:7.2f} ms CPU")


def forget_article():
    """The bench article's markup, as if rendered first in this process."""
    _markup.cache_clear()
    BLOCK_MARKUP.clear()
    ARTICLE_MARKUP.clear()


def static_url(name):
    from django.templatetags.static import static

    return static(name)


if __name__ == "__main__":
    main()
