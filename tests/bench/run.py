"""`make bench`: load the data sets, start gunicorn (production settings,
DEBUG off, 2 sync workers) on 127.0.0.1, warm up, measure with wrk, print a
table and one BENCH line. Bounded in time; stops every process it started.

Measured, each as a ratio to the static file served by the first gunicorn of
the same run:

- the article from the page cache (one URL in a loop);
- the newsroom mix, page cache on: readers over 1,000 articles (a few very
  read, a long tail) and the home and section pages, while an editor saves an
  article every 2 s and a moderator approves a comment every 5 s in the
  admin; with the renders per purge read from gunicorn's access log;
- cold articles, page cache off: each request a different article, over 500
  (a tenth of them with 200 comments);
- the home and section pages, page cache off (one URL in a loop);
- on the large data set, cold articles and the section page, page cache off.

Environment: BENCH_DURATION (s per measurement, default 10), BENCH_WARMUP
(default 5), BENCH_MIX_DURATION (default 60), BENCH_CONNECTIONS (default 16),
BENCH_LARGE_ARTICLES (default 100000), BENCH_LARGE_COMMENTS (default 1000000),
BENCH_PG (postgres://postgres@127.0.0.1:5432), REDIS_URL
(redis://127.0.0.1:6379/9), BENCH_DB_PREFIX (database names, default
omag_bench: omag_bench_small and omag_bench_large), BENCH_PORT (first of the
four gunicorn ports, default 8301: change it when another bench may run),
BENCH_ACCESS_LOG (gunicorn's access log on stdout, but for the mix's, which
goes to a file), BENCH_MEDIA_ROOT.
"""

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from newsroom import Editor, Moderator

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
DURATION = int(os.environ.get("BENCH_DURATION", 10))
WARMUP = int(os.environ.get("BENCH_WARMUP", 5))
MIX_DURATION = int(os.environ.get("BENCH_MIX_DURATION", 60))
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
WRK_THREADS = 2
# The mix's readers: article ranks drawn with weights 1/rank (Zipf, s = 1),
# the home and section pages a tenth of the requests.
MIX_REQUESTS_LISTED = 30_000
MIX_LISTINGS_SHARE = 0.10
# The path with its query string (gunicorn's %(q)s has no "?"), the status,
# and what the page cache says it did.
ACCESS_LOG_FORMAT = "%(U)s?%(q)s %(s)s %({x-page-cache}o)s"
CACHE_STATES = ("hit", "stale", "miss")

PATH_SCRIPT = """\
-- Written by tests/bench/run.py: each request asks for the next path of the
-- list; each of wrk's threads starts at its own place in it.
local paths = {
%(paths)s
}
local threads = 0

function setup(thread)
  thread:set("first", threads)
  threads = threads + 1
end

function init(args)
  requests = {}
  for i, path in ipairs(paths) do
    requests[i] = wrk.format("GET", path)
  end
  n = (first or 0) * math.floor(#paths / %(threads)d)
end

function request()
  n = n %% #paths + 1
  return requests[n]
end
"""

SERVERS = []


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


def prepare(size, work) -> dict:
    """The data set, made once; what prepare.py says to request."""
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
    manifest = work / f"{size}.json"
    subprocess.run(
        [
            PY,
            "tests/bench/prepare.py",
            str(counts["articles"]),
            str(counts["comments"]),
            "--manifest",
            str(manifest),
            *(["--newsroom"] if size == "small" else []),
        ],
        cwd=ROOT,
        env=env_for(size),
        check=True,
    )
    return json.loads(manifest.read_text())


class Gunicorn:
    def __init__(self, size, port, access_log=None, **env):
        self.port = port
        if access_log:
            logging = [
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                ACCESS_LOG_FORMAT,
            ]
        else:
            logging = [
                "--access-logfile",
                "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
            ]
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
                *logging,
                "--error-logfile",
                "-",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env_for(size, **env),
            start_new_session=True,
        )
        SERVERS.append(self)  # stopped at the end, whatever happens next
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
                self.process.wait()


def path_script(file: Path, paths: list[str]) -> Path:
    """A wrk script that walks `paths` in turn."""
    file.write_text(
        PATH_SCRIPT
        % {
            "paths": ",\n".join(json.dumps(path) for path in paths),
            "threads": WRK_THREADS,
        }
    )
    return file


def wrk(url, duration=None, script=None):
    duration = duration or DURATION
    if time.monotonic() + duration > DEADLINE:
        raise RuntimeError("benchmark exceeded its 15 minute bound")
    out = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{CONNECTIONS}",
            f"-d{duration}s",
            "--latency",
            *(["-s", str(script)] if script else []),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=duration + 30,
        check=True,
    ).stdout

    def latency(pct):
        match = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    connect, read, write, timeouts = map(int, sockets.groups()) if sockets else [0] * 4
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": latency(50),
        "p99": latency(99),
        "errors": int(errors.group(1)) if errors else 0,
        # Requests wrk gave up on (2 s): they have no latency, so p99 alone
        # would hide them.
        "timeouts": timeouts,
        "socket_errors": connect + read + write + timeouts,
    }


def show(name, r):
    log(
        f"   {name:28} {r['rps']:9.0f} req/s  p50 {r['p50']:6.2f} ms  "
        f"p99 {r['p99']:6.2f} ms  errors {r['errors']}  timeouts {r['timeouts']}"
    )


def measure(name, url, results, script=None):
    wrk(url, duration=WARMUP, script=script)
    results[name] = wrk(url, script=script)
    show(name, results[name])


def reader_paths(manifest, rng) -> tuple[list[str], list[float]]:
    """The mix's readers, in request order; and the articles' weights."""
    articles = [a["path"] for a in manifest["articles"]]  # most read first
    weights = [1 / rank for rank in range(1, len(articles) + 1)]
    home, *sections = manifest["listings"]
    listed = round(MIX_REQUESTS_LISTED * MIX_LISTINGS_SHARE)
    paths = rng.choices(articles, weights, k=MIX_REQUESTS_LISTED - listed)
    paths += [home] * (listed // 2) + rng.choices(sections, k=listed - listed // 2)
    rng.shuffle(paths)
    return paths, weights


def warm(server, paths):
    """Every page once, so that the mix's log has no first render."""

    def fetch(path):
        with urllib.request.urlopen(server.url(path), timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(fetch, paths))


def renders_per_purge(access_log: Path, readers: set[str], approved: list[str]):
    """Per reader page, in completion order, each run of consecutive
    responses not served fresh from the cache is one purge; the renders in it
    are its `miss` responses (no X-Page-Cache header on a cacheable page
    counts as one: older code marked hits only).

    A run also ends where the log shows a purge of its page: an editor's save
    (any article saved purges every page, articles/signals.py) or a
    moderator's approval (its article, `approved` in order). Otherwise a page
    read less often than the site is purged (every 2 s) would have its
    renders of several purges in one run, and the figure would say nothing
    about stampedes."""
    previous, approvals = {}, iter(approved)
    pages = defaultdict(lambda: [0, 0])  # renders, runs
    merged = defaultdict(lambda: [0, 0])  # the same without the purges' ends
    merged_previous, responses = {}, defaultdict(int)
    for line in access_log.read_text().splitlines():
        target, status, state = line.rsplit(" ", 2)
        path = target.removesuffix("?")
        if status == "302" and path.startswith("/admin/articles/article/"):
            previous.clear()
        elif status == "302" and path.startswith("/admin/comments/comment/"):
            previous.pop(next(approvals, None), None)
        if path not in readers or status != "200":
            continue
        state = state if state in CACHE_STATES else "miss"
        responses[state] += 1
        for counts, last in ((pages, previous), (merged, merged_previous)):
            if state != "hit" and last.get(path, "hit") == "hit":
                counts[path][1] += 1
            counts[path][0] += state == "miss"
            last[path] = state

    def figures(counts):
        counts = {path: c for path, c in counts.items() if c[1]}
        worst = max(counts, key=lambda p: counts[p][0] / counts[p][1], default=None)
        renders = sum(c[0] for c in counts.values())
        runs = sum(c[1] for c in counts.values())
        return {
            "max": counts[worst][0] / counts[worst][1] if worst else 0.0,
            "worst": worst,
            "mean": renders / runs if runs else 0.0,
            "pages": len(counts),
            "runs": runs,
            "renders": renders,
        }

    return figures(pages) | {
        "merged": figures(merged),
        "responses": dict(responses),
    }


def newsroom_mix(server, manifest, work, access_log) -> dict:
    rng = random.Random(6)
    paths, weights = reader_paths(manifest, rng)
    script = path_script(work / "mix.lua", paths)
    readers = {a["path"] for a in manifest["articles"]} | set(manifest["listings"])
    log(f"   warming the page cache: {len(readers)} pages, once each")
    warm(server, sorted(readers))
    published = [a["pk"] for a in manifest["articles"]]
    editor = Editor(
        server.port,
        *manifest["editor"],
        drafts=manifest["drafts"],
        pick_published=lambda: rng.choices(published, weights)[0],
    )
    moderator = Moderator(server.port, *manifest["editor"], pending=manifest["pending"])
    editor.login()
    moderator.login()
    time.sleep(1)  # the warm-up's last log lines are written after the response
    access_log.write_text("")  # gunicorn appends: the measured mix alone
    editor.start()
    moderator.start()
    try:
        result = wrk(server.url("/"), duration=MIX_DURATION, script=script)
    finally:
        editor.stop()
        moderator.stop()
    time.sleep(1)
    result["editor"], result["moderator"] = editor, moderator
    result["purges"] = renders_per_purge(access_log, readers, moderator.approved)
    result["rss"] = server.worker_rss_mb()
    result["all_errors"] = (
        result["errors"] + result["socket_errors"] + editor.errors + moderator.errors
    )
    return result


def show_mix(r):
    show("newsroom mix", r)
    for who in ("editor", "moderator"):
        staff = r[who]
        log(f"      {who}: {staff.summary()}")
        if staff.first_failure:
            log(f"      {who}'s first failure: {staff.first_failure}")
    p = r["purges"]
    log(
        f"      renders per purge: max {p['max']:.2f} ({p['worst']}), mean "
        f"{p['mean']:.2f}: {p['renders']} renders in {p['runs']} purges on "
        f"{p['pages']} pages; reader responses {p['responses']}"
    )
    log(
        f"      (runs ended by hits alone, the purges' ends not seen: max "
        f"{p['merged']['max']:.2f}, mean {p['merged']['mean']:.2f})"
    )
    log(
        f"      errors: {r['errors']} non-2xx/3xx, {r['socket_errors']} socket "
        f"errors ({r['timeouts']} timeouts); worker RSS after the mix "
        f"{r['rss']:.0f} MB"
    )


def stop_on_signal(signum, frame):
    # SIGTERM (timeout(1)) unwinds through the finally blocks that stop servers.
    raise SystemExit(128 + signum)


def main():
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk (make bench installs it)")
    signal.signal(signal.SIGTERM, stop_on_signal)
    signal.signal(signal.SIGHUP, stop_on_signal)
    global STATIC_ROOT, MEDIA_ROOT
    work = Path(tempfile.mkdtemp(prefix="omag-bench-"))
    STATIC_ROOT, MEDIA_ROOT = (
        work / "static",
        Path(os.environ.get("BENCH_MEDIA_ROOT", ROOT / ".bench-media")),
    )
    results, rss = {}, 0.0
    try:
        manifests = {size: prepare(size, work) for size in SIZES}
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
        section = "/rubrique/gen-rubrique-0/"

        log("== small data set, page cache on")
        server = Gunicorn("small", PORT, PAGE_CACHE="true")
        measure("static file (baseline)", server.url(css), results)
        measure("article cached", server.url("/article/bench-article/"), results)
        rss = max(rss, server.worker_rss_mb())
        server.stop()

        log(f"== small data set, page cache on: newsroom mix ({MIX_DURATION} s)")
        access_log = work / "mix-access.log"
        server = Gunicorn("small", PORT + 1, access_log=access_log, PAGE_CACHE="true")
        mix = newsroom_mix(server, manifests["small"], work, access_log)
        show_mix(mix)
        rss = max(rss, mix["rss"])
        server.stop()

        log("== small data set, page cache off")
        server = Gunicorn("small", PORT + 2, PAGE_CACHE="false")
        cold = path_script(work / "cold-small.lua", manifests["small"]["cold"])
        measure("cold article", server.url("/"), results, script=cold)
        measure("home uncached", server.url("/"), results)
        measure("section uncached", server.url(section), results)
        rss = max(rss, server.worker_rss_mb())
        server.stop()

        log("== large data set, page cache off")
        server = Gunicorn("large", PORT + 3, PAGE_CACHE="false")
        cold = path_script(work / "cold-large.lua", manifests["large"]["cold"])
        measure("cold article (large)", server.url("/"), results, script=cold)
        measure("section uncached (large)", server.url(section), results)
        rss = max(rss, server.worker_rss_mb())
        server.stop()
    finally:
        for server in SERVERS:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    static = results["static file (baseline)"]["rps"]
    cached = results["article cached"]
    rows = dict(list(results.items())[:2]) | {"newsroom mix": mix} | results
    size_ratio = max(
        results["cold article"]["rps"] / results["cold article (large)"]["rps"],
        results["section uncached"]["rps"] / results["section uncached (large)"]["rps"],
    )
    purges = mix["purges"]
    cached_ratio = cached["rps"] / static
    cold_ratio = results["cold article"]["rps"] / static
    mix_ratio = mix["rps"] / static
    targets = [
        (
            "cached article >= 1.0x static, p99 < 10 ms",
            f"{cached_ratio:.3f}x, p99 {cached['p99']:.1f} ms",
            cached_ratio >= 1.0 and cached["p99"] < 10,
        ),
        (
            "cold article >= 0.045x static",
            f"{cold_ratio:.3f}x",
            cold_ratio >= 0.045,
        ),
        (
            "mix >= 0.5x static, p99 < 100 ms, 0 errors, renders per purge <= 1.0",
            f"{mix_ratio:.3f}x, p99 {mix['p99']:.1f} ms, {mix['all_errors']} "
            f"errors, {purges['max']:.2f} renders per purge "
            f"(mean {purges['mean']:.2f})",
            mix_ratio >= 0.5
            and mix["p99"] < 100
            and mix["all_errors"] == 0
            and purges["max"] <= 1.0,
        ),
        ("size ratio <= 1.2", f"{size_ratio:.3f}", size_ratio <= 1.2),
        ("worker RSS < 150 MB", f"{rss:.0f} MB", rss < 150),
    ]
    log(f"\nTargets (static file: {static:.0f} req/s in this run):")
    for target, measured, met in targets:
        log(f"   {target}: {measured}: {'met' if met else 'NOT MET'}")
    errors = sum(r["errors"] for r in results.values()) + mix["all_errors"]
    log(
        f"\nworker RSS (max): {rss:.0f} MB; errors: {errors}; load average: "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    log(
        "\n| page | req/s | p50 ms | p99 ms | vs static | non-2xx/3xx | socket "
        "errors (timeouts) |"
    )
    log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in rows.items():
        log(
            f"| {name} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
            f"{r['rps'] / static:.3f} | {r['errors']} | "
            f"{r['socket_errors']} ({r['timeouts']}) |"
        )
    log("")
    log(
        "BENCH "
        f"cached_vs_static={cached_ratio:.3f} "
        f"cold_article_vs_static={cold_ratio:.3f} "
        f"mix_vs_static={mix_ratio:.3f} "
        f"mix_p99_ms={mix['p99']:.1f} "
        f"mix_errors={mix['all_errors']} "
        f"renders_per_purge={purges['max']:.2f} "
        f"size_ratio={size_ratio:.3f} "
        f"worker_rss_mb={rss:.0f}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
