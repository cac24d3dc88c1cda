"""CPU time per request of the measured pages, in process (Django test
client, DEBUG off): a figure that other programs on a shared machine disturb
far less than wrk's requests per second, to compare two versions of the code.

Cold articles are the ones `make bench` rotates over (sample.py), each request
a different one; the others are one URL asked again and again.

    DATABASE_URL=postgres://…/omag_bench_small REDIS_URL=redis://…/5 \
        python tests/bench/cpu.py
"""

import itertools
import time

from inprocess import setup

setup()

from django.conf import settings  # noqa: E402
from django.templatetags.static import static  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from sample import cold_slugs  # noqa: E402

from articles.models import Article  # noqa: E402

PAGES = {
    "article (hot)": "/article/bench-article/",
    "home": "/",
    "section": "/rubrique/gen-rubrique-0/",
}


def cpu_ms(client, paths, requests=30, rounds=3):
    """The best of a few rounds (the least disturbed one); `paths` is one
    path or an iterator of them, one per request."""
    paths = itertools.repeat(paths) if isinstance(paths, str) else paths
    for _ in range(5):
        path = next(paths)
        assert client.get(path).status_code == 200, path
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(requests):
            client.get(next(paths))
        best = min(best, (time.process_time() - start) / requests * 1000)
    return best


def cold_paths():
    generated = Article.objects.filter(slug__startswith="gen-article-").count()
    return [
        reverse("articles:detail", kwargs={"slug": slug})
        for slug in cold_slugs(generated)
    ]


def main():
    client = Client()
    with override_settings(PAGE_CACHE_ENABLED=False):
        # 5 + 3 x 100 requests: no article asked twice among the 500.
        cold = cpu_ms(client, itertools.cycle(cold_paths()), requests=100)
        print(f"{'article (cold)':24} {cold:7.2f} ms CPU")
        for name, path in PAGES.items():
            print(f"{name + ' uncached':24} {cpu_ms(client, path):7.2f} ms CPU")
    if settings.PAGE_CACHE_ENABLED:
        hit = cpu_ms(client, PAGES["article (hot)"], requests=500)
        print(f"{'article cached':24} {hit:7.2f} ms CPU")
    # The baseline of make bench (needs collectstatic into STATIC_ROOT).
    static_file = cpu_ms(client, static("css/site.css"), requests=500)
    print(f"{'static file':24} {static_file:7.2f} ms CPU")


if __name__ == "__main__":
    main()
