"""Profile one reader page in-process (Django test client, DEBUG off, no page
cache) against a benchmark database, to see where a request's time goes.

    DATABASE_URL=postgres://…/omag_bench_small python tests/bench/profile.py \
        /article/bench-article/ [REQUESTS]
"""

import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omag.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("PAGE_CACHE", "false")
os.environ.setdefault(
    "SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("HTTPS", "false")  # the test client speaks plain HTTP

import django  # noqa: E402

django.setup()

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
