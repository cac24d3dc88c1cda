"""Profile one reader page in-process (Django test client, DEBUG off, no page
cache) against a benchmark database, to see where a request's time goes.

    DATABASE_URL=postgres://…/omag_bench_small python tests/bench/profile_page.py \
        /article/bench-article/ [REQUESTS]
"""

import cProfile
import pstats
import sys
import time

from inprocess import setup

setup(page_cache=False)

from django.test import Client  # noqa: E402


def main(path: str, requests: int):
    client = Client()
    for _ in range(20):  # warm up: template loader cache, connections
        assert client.get(path).status_code == 200
    start = time.perf_counter()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(f"{path}: {requests / elapsed:.0f} req/s in process (profiled)")
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 200)
