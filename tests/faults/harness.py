"""What the fault, several-node and load scripts share: a PRIVATE PostgreSQL
and Redis (own data directory and ports, so the machine's servers, which other
test runs use, are never touched), gunicorn nodes with production settings,
and an HTTP client that reads pages and posts comments as the site's
JavaScript does (state endpoint for the CSRF and form tokens, then the post).

Everything listens on 127.0.0.1; every process started here is stopped by
`Stack.close()` (the scripts call it in `finally`, and on SIGTERM/SIGINT).
"""

import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
PG_BIN = Path(os.environ.get("OMAG_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("OMAG_FAULTS_PG_PORT", 55432))
REDIS_PORT = int(os.environ.get("OMAG_FAULTS_REDIS_PORT", 56379))
DB_NAME = os.environ.get("OMAG_FAULTS_DB", "omag_faults")
REDIS_DB = int(os.environ.get("OMAG_FAULTS_REDIS_DB", 7))
# The form refuses posts sent faster than this after the token (settings).
FORM_MIN_SECONDS = 3


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def _as_postgres(args, **kwargs):
    """PostgreSQL refuses to run as root: run its tools as `postgres` then."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode:
        raise RuntimeError(f"{args} failed: {done.stdout}{done.stderr}")
    return done


class PrivatePostgres:
    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self.data = self.dir / "data"
        _as_postgres(
            [PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres"]
        )
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres"]
            + [DB_NAME],
            check=True,
        )

    url = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}"

    def start(self):
        _as_postgres(
            [PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-w"]
            + ["-o", f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1"]
            + ["-o", "-c fsync=on -c max_connections=50", "start"]
        )

    def stop(self, mode="fast"):
        _as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"])

    def running(self) -> bool:
        try:
            _as_postgres([PG_BIN / "pg_ctl", "-D", self.data, "status"])
        except RuntimeError:
            return False
        return True

    def query(self, sql: str) -> str:
        return subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres"]
            + ["-d", DB_NAME, "-At", "-c", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def close(self):
        if self.running():
            self.stop("immediate")


class PrivateRedis:
    def __init__(self, tmp: Path):
        self.dir = tmp / "redis"
        self.dir.mkdir()
        self.process = None
        self.start()

    url = f"redis://127.0.0.1:{REDIS_PORT}/{REDIS_DB}"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.dir)]
            + ["--logfile", str(self.dir / "log")],
            start_new_session=True,
        )
        for _ in range(50):
            ping = subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"],
                capture_output=True,
                text=True,
            )
            if ping.stdout.strip() == "PONG":
                return
            time.sleep(0.1)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    close = stop


class Stack:
    """Private PostgreSQL + Redis, the database migrated with the demo
    content, static files collected; gunicorn nodes on demand."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="omag-faults-"))
        self.tmp.chmod(0o755)  # PostgreSQL's user must reach its data folder
        self.nodes = []
        self.pg = self.redis = None
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        try:
            log(f"Private PostgreSQL on :{PG_PORT}, Redis on :{REDIS_PORT}")
            self.pg = PrivatePostgres(self.tmp)
            self.redis = PrivateRedis(self.tmp)
            (self.tmp / "media").mkdir()
            self.manage("migrate", "--noinput", "-v0")
            self.manage("load_demo")
            self.manage("collectstatic", "--noinput", "-v0")
        except BaseException:
            self.close()
            raise

    def _on_signal(self, signum, frame):
        self.close()
        sys.exit(128 + signum)

    def env(self, **extra) -> dict:
        env = dict(os.environ)
        env.update(
            DEBUG="false",
            HTTPS="false",  # plain HTTP on 127.0.0.1: no redirect to HTTPS
            SECRET_KEY="faults-only-secret-key-not-for-production-0123456789abc",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=self.pg.url,
            REDIS_URL=self.redis.url,
            CACHE_KEY_PREFIX="omag-faults",
            STATIC_ROOT=str(self.tmp / "static"),
            MEDIA_ROOT=str(self.tmp / "media"),
            SERVE_MEDIA="false",
            EMAIL_BACKEND="locmem",
            # Behind a proxy: each simulated reader has its own address (in
            # X-Forwarded-For), so the per-IP limits apply as in production.
            COMMENTS_TRUSTED_PROXIES="1",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, *args) -> str:
        return subprocess.run(
            [PY, "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def django(self, code: str):
        """Run code in a Django shell against the stack; it prints JSON."""
        return json.loads(self.manage("shell", "-c", code).strip().splitlines()[-1])

    def node(self, port: int, workers: int = 2) -> "Node":
        node = Node(self, port, workers)
        self.nodes.append(node)
        return node

    def close(self):
        for node in self.nodes:
            node.stop()
        for server in (self.redis, self.pg):
            if server is not None:
                try:
                    server.close()
                except Exception as error:  # noqa: BLE001 - keep closing
                    log(f"while stopping {server}: {error}")
        shutil.rmtree(self.tmp, ignore_errors=True)


class Node:
    def __init__(self, stack: Stack, port: int, workers: int):
        self.port = port
        self.log_path = stack.tmp / f"gunicorn-{port}.log"
        self.process = subprocess.Popen(
            [PY, "-m", "gunicorn", "omag.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", str(workers), "--worker-class", "sync"]
            + ["--timeout", "30", "--access-logfile", "/dev/null"]
            + ["--error-logfile", "-", "--log-level", "warning"],
            cwd=ROOT,
            env=stack.env(),
            stdout=self.log_path.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(port, "GET", "/sante/").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn on :{port} did not start: {self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- HTTP ----------------------------------------------------------------------
@dataclass
class Reply:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def request(port, method, path, *, data=None, headers=None, timeout=10) -> Reply:
    """One request on a fresh connection (redirects are not followed)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        body = urllib.parse.urlencode(data) if data is not None else None
        all_headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        return Reply(
            response.status,
            {k.lower(): v for k, v in response.getheaders()}
            | {"set-cookie": response.headers.get_all("Set-Cookie") or []},
            response.read(),
        )
    finally:
        conn.close()


class Browser:
    """A reader's cookies, kept by hand: production cookies may be `Secure`,
    which a cookie jar would not send back over plain HTTP to 127.0.0.1."""

    def __init__(self, port: int, ip: str | None = None):
        self.port = port
        self.ip = ip
        self.cookies = {}

    def _headers(self, extra=None):
        headers = dict(extra or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.ip:
            headers["X-Forwarded-For"] = self.ip
        return headers

    def _keep(self, reply: Reply) -> Reply:
        for line in reply.headers["set-cookie"]:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in line.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return reply

    def get(self, path, **kwargs) -> Reply:
        return self._keep(
            request(self.port, "GET", path, headers=self._headers(), **kwargs)
        )

    def post(self, path, data, **kwargs) -> Reply:
        return self._keep(
            request(
                self.port,
                "POST",
                path,
                data=data,
                headers=self._headers({"Origin": f"http://127.0.0.1:{self.port}"}),
                **kwargs,
            )
        )


def comment_tokens(browser: Browser, slug: str) -> dict:
    """What comments.js fetches after the (cached) article page loads."""
    reply = browser.get(f"/commentaires/article/{slug}/etat/")
    if reply.status != 200:
        raise HTTPFailure(reply.status)
    return json.loads(reply.body)


def post_comment(browser: Browser, slug: str, tokens: dict, **fields) -> Reply:
    data = {
        "csrfmiddlewaretoken": tokens["csrf_token"],
        "token": tokens["form_token"],
        "website": "",  # the honeypot stays empty
        "parent": "",
        **fields,
    }
    return browser.post(f"/commentaires/article/{slug}/envoyer/", data)


class HTTPFailure(Exception):
    def __init__(self, status):
        super().__init__(f"HTTP {status}")
        self.status = status


# --- Load ------------------------------------------------------------------------
@dataclass
class Sample:
    started: float  # time.monotonic()
    kind: str
    status: int  # 0: connection error or timeout
    seconds: float


@dataclass
class Load:
    """Readers (pages + the state endpoint, as a browser does) and commenters
    (state endpoint, a reader's pause, the post) until stopped."""

    port: int
    readers: int
    commenters: int
    paths: list
    slugs: list
    run_id: str = field(default_factory=lambda: f"{int(time.time())}")
    samples: list = field(default_factory=list)
    acknowledged: list = field(default_factory=list)
    refused: list = field(default_factory=list)

    def __post_init__(self):
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = []
        self._counter = iter(range(1, 10**9))

    def _record(self, kind, started, status):
        with self._lock:
            self.samples.append(
                Sample(started, kind, status, time.monotonic() - started)
            )

    def _timed(self, kind, call):
        started = time.monotonic()
        try:
            reply = call()
        except HTTPFailure as failure:
            self._record(kind, started, failure.status)
            return None
        except (OSError, http.client.HTTPException):
            self._record(kind, started, 0)
            return None
        self._record(kind, started, reply.status if isinstance(reply, Reply) else 200)
        return reply

    def _reader(self, seed):
        rng = random.Random(seed)
        browser = Browser(self.port)
        while not self._stop.is_set():
            path = rng.choice(self.paths)
            self._timed("page", lambda p=path: browser.get(p))
            match = re.match(r"^/article/([^/]+)/$", path)
            if match:
                self._timed(
                    "state",
                    lambda s=match[1]: browser.get(f"/commentaires/article/{s}/etat/"),
                )

    def _commenter(self, seed):
        rng = random.Random(seed)
        while not self._stop.is_set():
            with self._lock:
                n = next(self._counter)
            # A new reader each time: own address and e-mail (the per-IP and
            # per-e-mail limits are per person; one client plays many).
            browser = Browser(
                self.port, ip=f"10.{seed % 250}.{n // 250 % 250}.{n % 250 + 1}"
            )
            slug = rng.choice(self.slugs)
            tokens = self._timed("state", partial(comment_tokens, browser, slug))
            if tokens is None:
                self._stop.wait(0.5)
                continue
            if self._stop.wait(FORM_MIN_SECONDS + 0.2):
                return
            body = f"Charge {self.run_id}-{seed}-{n} : un avis argumenté sur l'article."
            reply = self._timed(
                "comment",
                partial(
                    post_comment,
                    browser,
                    slug,
                    tokens,
                    name=f"Lecteur {n}",
                    email=f"charge-{self.run_id}-{seed}-{n}@example.org",
                    body=body,
                ),
            )
            if reply is not None and reply.status == 302:
                with self._lock:
                    self.acknowledged.append(body)
            elif reply is not None:
                with self._lock:
                    self.refused.append((reply.status, body))

    def start(self):
        for i in range(self.readers):
            self._threads.append(threading.Thread(target=self._reader, args=(i,)))
        for i in range(self.commenters):
            self._threads.append(
                threading.Thread(target=self._commenter, args=(1000 + i,))
            )
        for thread in self._threads:
            thread.daemon = True
            thread.start()
        return self

    def stop(self):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=20)

    def summary(self, samples=None) -> dict:
        samples = self.samples if samples is None else samples
        seconds = sorted(s.seconds for s in samples) or [0.0]
        return {
            "requests": len(samples),
            "5xx": sum(1 for s in samples if s.status >= 500),
            "errors": sum(1 for s in samples if s.status == 0 or s.status >= 400),
            "p50_ms": round(seconds[len(seconds) // 2] * 1000, 1),
            "p99_ms": round(
                seconds[min(len(seconds) - 1, int(len(seconds) * 0.99))] * 1000, 1
            ),
            "comments_acknowledged": len(self.acknowledged),
        }


def stored_once(stack: Stack, load: Load) -> list[str]:
    """Problems with the comments: an acknowledged one missing or stored
    twice, or any load comment stored more than once."""
    rows = stack.pg.query(
        "SELECT body, count(*) FROM comments_comment "
        f"WHERE body LIKE 'Charge {load.run_id}-%' GROUP BY body"
    )
    counts = {
        line.rsplit("|", 1)[0]: int(line.rsplit("|", 1)[1])
        for line in rows.splitlines()
        if line
    }
    problems = [
        f"acknowledged but missing: {b}" for b in load.acknowledged if b not in counts
    ]
    problems += [f"stored {c} times: {b}" for b, c in counts.items() if c != 1]
    return problems


def site_paths(stack: Stack) -> tuple[list, list]:
    """Home, every section and some published articles of the demo content."""
    data = stack.django(
        "import json\n"
        "from articles.models import Article, Section\n"
        "arts = list(Article.objects.published()[:20])\n"
        "print(json.dumps({'sections': [s.get_absolute_url() for s in Section.objects.all()],"
        " 'articles': [[a.get_absolute_url(), a.slug, a.comments_open] for a in arts]}))"
    )
    paths = ["/", *data["sections"], *[url for url, _, _ in data["articles"]]]
    return paths, [slug for _, slug, is_open in data["articles"] if is_open]


def main(*scenarios) -> int:
    """Run scenarios on one stack (prepared once: it takes a minute)."""
    failures = []
    stack = Stack()
    try:
        for scenario in scenarios:
            name = Path(sys.modules[scenario.__module__].__file__).stem
            log(f"== {name}")
            found = scenario(stack)
            failures += [f"{name}: {failure}" for failure in found]
    finally:
        stack.close()
    if failures:
        log("FAILED:\n  " + "\n  ".join(failures[:30]))
        return 1
    log("All passed.")
    return 0
