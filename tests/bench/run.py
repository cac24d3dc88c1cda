"""`make bench`: load the data sets, start gunicorn (production settings,
DEBUG off, 2 sync workers) on 127.0.0.1, warm up, measure with wrk, print a
table and one BENCH line. Bounded in time; stops every process it started.

Environment: BENCH_DURATION (s per measurement, default 10), BENCH_WARMUP
(default 5), BENCH_CONNECTIONS (default 16), BENCH_LARGE_ARTICLES (default
100000), BENCH_LARGE_COMMENTS (default 1000000), BENCH_PG
(postgres://postgres@127.0.0.1:5432), REDIS_URL (redis://127.0.0.1:6379/9), BENCH_DB_PREFIX (database names, default
omag_bench: omag_bench_small and omag_bench_large), BENCH_PORT (first of the
three gunicorn ports, default 8301: change it when another bench may run).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
DURATION = int(os.environ.get("BENCH_DURATION", 10))
WARMUP = int(os.environ.get("BENCH_WARMUP", 5))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 16))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/9")
DB_PREFIX = os.environ.get("BENCH_DB_PREFIX", "omag_bench")
PORT = int(os.environ.get("BENCH_PORT", 8301))
SIZES = {
    "small": {"articles": 1_000, "comments": 10_000},
    "large": {
        "articles": int(os.environ.get("BENCH_LARGE_ARTICLES", 100_000)),
        "comments": int(os.environ.get("BENCH_LARGE_COMMENTS", 1_000_000)),
    },
}
DEADLINE = time.monotonic() + 15 * 60
# What the reference machine served the static file at (req/s).
STATIC_REFERENCE_RPS = 4_800


def log(message):
    print(message, flush=True)


def env_for(size, **extra):
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-not-for-production-0123456789",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        HTTPS="false",  # plain HTTP on 127.0.0.1: no redirect to HTTPS
        DATABASE_URL=f"{PG}/{DB_PREFIX}_{size}",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX=f"omag-bench-{size}",
        STATIC_ROOT=str(STATIC_ROOT),
        MEDIA_ROOT=str(MEDIA_ROOT),
        SERVE_MEDIA="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(size, *args):
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env_for(size), check=True)


def prepare(size):
    counts = SIZES[size]
    log(
        f"== Preparing the {size} data set ({counts['articles']:,} articles, "
        f"{counts['comments']:,} comments)"
    )
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", f"{DB_PREFIX}_{size}"],
        capture_output=True,
    )
    manage(size, "migrate", "--noinput", "-v0")
    subprocess.run(
        [
            PY,
            "tests/bench/prepare.py",
            str(counts["articles"]),
            str(counts["comments"]),
        ],
        cwd=ROOT,
        env=env_for(size),
        check=True,
    )


class Gunicorn:
    def __init__(self, size, port, **env):
        self.port = port
        self.process = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                "omag.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--worker-class",
                "sync",
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env_for(size, **env),
            start_new_session=True,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url("/"), timeout=2)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_rss_mb(self):
        children = subprocess.run(
            ["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout.split()
        rss = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return max(rss) if rss else 0.0

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def wrk(url, duration=None):
    if time.monotonic() > DEADLINE:
        raise RuntimeError("benchmark exceeded its 15 minute bound")
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{duration or DURATION}s",
            "--latency",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=(duration or DURATION) + 30,
        check=True,
    ).stdout

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    # Requests wrk gave up on (2 s): they have no latency, so p99 alone would
    # hide them.
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def measure(name, url, results):
    wrk(url, duration=WARMUP)
    results[name] = wrk(url)
    r = results[name]
    log(
        f"   {name:28} {r['rps']:9.0f} req/s  p50 {r['p50']:6.2f} ms  "
        f"p99 {r['p99']:6.2f} ms  errors {r['errors']}  timeouts {r['timeouts']}"
    )


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it)")
    global STATIC_ROOT, MEDIA_ROOT
    work = Path(tempfile.mkdtemp(prefix="omag-bench-"))
    STATIC_ROOT, MEDIA_ROOT = (
        work / "static",
        Path(os.environ.get("BENCH_MEDIA_ROOT", ROOT / ".bench-media")),
    )
    results, servers = {}, []
    try:
        for size in SIZES:
            prepare(size)
        manage("small", "collectstatic", "--noinput", "-v0")
        css = subprocess.run(
            [
                PY,
                "-c",
                "from django.templatetags.static import static; "
                "import django; django.setup(); print(static('css/site.css'))",
            ],
            cwd=ROOT,
            env=env_for("small", DJANGO_SETTINGS_MODULE="omag.settings"),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        paths = {
            "article": "/article/bench-article/",
            "home": "/",
            "section": "/rubrique/gen-rubrique-0/",
        }

        log("== small data set, page cache on")
        server = Gunicorn("small", PORT, PAGE_CACHE="true")
        servers.append(server)
        measure("static file (baseline)", server.url(css), results)
        measure("article cached", server.url(paths["article"]), results)
        rss = server.worker_rss_mb()
        server.stop()

        log("== small data set, page cache off")
        server = Gunicorn("small", PORT + 1, PAGE_CACHE="false")
        servers.append(server)
        for name in ("article", "home", "section"):
            measure(f"{name} uncached", server.url(paths[name]), results)
        rss = max(rss, server.worker_rss_mb())
        server.stop()

        log("== large data set, page cache off")
        server = Gunicorn("large", PORT + 2, PAGE_CACHE="false")
        servers.append(server)
        for name in ("article", "section"):
            measure(f"{name} uncached (large)", server.url(paths[name]), results)
        rss = max(rss, server.worker_rss_mb())
        server.stop()
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    static = results["static file (baseline)"]["rps"]
    log("\n| page | req/s | p50 ms | p99 ms | vs static | timeouts |")
    log("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        log(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['rps'] / static:.2f} | {r['timeouts']} |"
        )
    # The targets were set on a machine where this gunicorn served
    # the static file at about 4,800 req/s; machines here have measured from
    # 1,700 to 3,200. Scaled by this run's baseline, the same targets read:
    log(f"\nTargets scaled to this run's static baseline ({static:.0f} / 4,800):")
    for name, target in (
        ("article uncached", 400),
        ("home uncached", 300),
        ("section uncached", 300),
    ):
        scaled = target * static / STATIC_REFERENCE_RPS
        rps = results[name]["rps"]
        log(
            f"   {name:28} {rps:6.0f} req/s for {scaled:4.0f} "
            f"({target} on the reference machine): "
            f"{'met' if rps >= scaled else 'not met'}"
        )
    size_ratio = max(
        results["article uncached"]["rps"] / results["article uncached (large)"]["rps"],
        results["section uncached"]["rps"] / results["section uncached (large)"]["rps"],
    )
    errors = sum(r["errors"] for r in results.values())
    timeouts = sum(r["timeouts"] for r in results.values())
    log(
        f"\nworker RSS (max): {rss:.0f} MB; non-2xx/3xx responses: {errors}; "
        f"timeouts: {timeouts}; load average: {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs"
    )
    log(
        "BENCH "
        f"article_uncached_rps={results['article uncached']['rps']:.0f} "
        f"article_cached_vs_static={results['article cached']['rps'] / static:.2f} "
        f"home_uncached_rps={results['home uncached']['rps']:.0f} "
        f"section_uncached_rps={results['section uncached']['rps']:.0f} "
        f"size_ratio={size_ratio:.2f} "
        f"worker_rss_mb={rss:.0f}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
