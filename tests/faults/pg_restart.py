"""Fault: PostgreSQL restarted under load (bounded to ~2 minutes).

A private PostgreSQL and Redis (tests/faults/harness.py), gunicorn with
production settings and 2 workers, readers and commenters for
FAULT_DURATION seconds (default 40); PostgreSQL is stopped (fast shutdown:
every connection cut) at 10 s and started again 6 s later. Checked:

- every request that started after PostgreSQL accepted connections again
  succeeded: each worker's dead persistent connection was replaced by itself
  (CONN_HEALTH_CHECKS), no stale-connection 500s;
- every reader page cached before the database went down was served while
  it was down (from the page cache, stale if need be): 0 5xx;
- /sante/ said 503 while the database was down and 200 after;
- every comment the site acknowledged (302) is stored exactly once.
"""

import os
import sys
import threading
import time

from harness import Load, Stack, log, main, request, site_paths, stored_once

PORT = int(os.environ.get("FAULT_PORT", 8601))
DURATION = int(os.environ.get("FAULT_DURATION", 40))
DOWN_AT, DOWN_FOR = 10, 6


def scenario(stack: Stack) -> list[str]:
    """Run the fault on a prepared stack; the failures found (none: passed)."""
    node = stack.node(PORT)
    try:
        # What makes recovery automatic: persistent connections, each checked
        # before a request reuses it.
        db = stack.django(
            "import json\nfrom django.conf import settings\n"
            "d = settings.DATABASES['default']\n"
            "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
        )
        log(f"CONN_MAX_AGE={db[0]}, CONN_HEALTH_CHECKS={db[1]}")
        if not (db[0] and db[1]):
            return [f"persistent connections with health checks expected, got {db}"]
        paths, slugs = site_paths(stack)
        health = []
        stop = threading.Event()

        def poll_health():
            while not stop.wait(0.25):
                try:
                    status = request(PORT, "GET", "/sante/", timeout=5).status
                except OSError:
                    status = 0
                health.append((time.monotonic(), status))

        poller = threading.Thread(target=poll_health, daemon=True)
        poller.start()
        load = Load(PORT, readers=3, commenters=6, paths=paths, slugs=slugs).start()
        began = time.monotonic()
        time.sleep(DOWN_AT - 1)
        for path in paths:  # every page the readers read, in the page cache
            request(PORT, "GET", path)
        time.sleep(1)
        log("Stopping PostgreSQL (fast: connections cut)")
        down = time.monotonic()
        stack.pg.stop("fast")
        time.sleep(DOWN_FOR)
        stack.pg.start()  # -w: returns once it accepts connections
        back = time.monotonic()
        log(f"PostgreSQL accepting connections again after {back - down:.1f} s")
        time.sleep(max(0, DURATION - (back - began)))
        load.stop()
        stop.set()
        poller.join()

        after = [s for s in load.samples if s.started >= back]
        failed_after = [s for s in after if s.status == 0 or s.status >= 500]
        first_ok = min((s.started for s in after if s.status < 400), default=None)
        during = [s for s in load.samples if down <= s.started < back]
        pages_during = [s for s in during if s.kind == "page"]
        pages_failed = [s for s in pages_during if s.status == 0 or s.status >= 500]
        health_down = [st for t, st in health if down + 1 <= t < back - 0.5]
        health_after = [st for t, st in health if t >= back + 1]
        problems = stored_once(stack, load)
        summary = load.summary()
        log(f"Load: {summary}")
        log(
            f"While down: {len(during)} requests, "
            f"{sum(1 for s in during if s.status >= 500)} answered 5xx; "
            f"after: {len(after)} requests, {len(failed_after)} failed; first "
            f"success {((first_ok or back) - back) * 1000:.0f} ms after the database returned"
        )
        log(
            f"Reader pages (cached before) while down: {len(pages_during)}, "
            f"{len(pages_failed)} failed"
        )
        log(
            f"/sante/ while down: {sorted(set(health_down))}, after: {sorted(set(health_after))}"
        )
        log(
            f"Comments acknowledged: {len(load.acknowledged)}, refused: {len(load.refused)}"
        )
        failures = []
        if not pages_during or pages_failed:
            failures.append(
                f"{len(pages_failed)} of {len(pages_during)} cached reader pages "
                "failed while the database was down"
            )
        if failed_after:
            failures.append(
                f"{len(failed_after)} requests failed after the database returned"
            )
        if not after or not health_after or first_ok is None:
            failures.append("no traffic after the database returned")
        if health_down and set(health_down) != {503}:
            failures.append(
                f"/sante/ answered {set(health_down)} with the database down"
            )
        if set(health_after) != {200}:
            failures.append(
                f"/sante/ answered {set(health_after)} after the database returned"
            )
        if not load.acknowledged:
            failures.append("no comment was acknowledged")
        if any(status != 500 for status, _ in load.refused):
            failures.append(
                f"comments refused other than by the outage: {load.refused[:3]}"
            )
        failures += problems
        if failures:
            log("gunicorn log tail:\n" + node.logs()[-3000:])
        else:
            log("OK: pages came back by themselves; acknowledged comments stored once")
        return failures
    finally:
        node.stop()


if __name__ == "__main__":
    sys.exit(main(scenario))
