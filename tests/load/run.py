"""`make load`: readers and commenters for LOAD_DURATION seconds (default 60)
against gunicorn with production settings and 2 sync workers, on the private
PostgreSQL and Redis of tests/faults/harness.py (127.0.0.1 only; every
process stopped at the end).

Readers load the home page, section pages and article pages (each article
view also fetches the comment state endpoint, as the page's script does);
commenters fetch their tokens, pause as a person would (the form refuses
posts faster than COMMENTS_FORM_MIN_SECONDS) and post, each as a distinct
reader (own address behind the proxy, own e-mail) so the anti-abuse limits
apply as in production. Passes with zero 5xx and every acknowledged comment
stored exactly once; prints requests, errors, throughput and p50/p99 by kind.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))

from harness import Load, Stack, log, site_paths, stored_once  # noqa: E402

PORT = int(os.environ.get("LOAD_PORT", 8605))
DURATION = int(os.environ.get("LOAD_DURATION", 60))
READERS = int(os.environ.get("LOAD_READERS", 8))
COMMENTERS = int(os.environ.get("LOAD_COMMENTERS", 8))


def main() -> int:
    stack = Stack()
    try:
        node = stack.node(PORT, workers=2)
        paths, slugs = site_paths(stack)
        log(
            f"Load: {READERS} readers, {COMMENTERS} commenters, {DURATION} s, "
            f"gunicorn 2 workers on :{PORT}"
        )
        load = Load(PORT, READERS, COMMENTERS, paths=paths, slugs=slugs).start()
        time.sleep(DURATION)
        load.stop()
        problems = stored_once(stack, load)
        rows = [("all", load.summary())]
        for kind in ("page", "state", "comment"):
            samples = [s for s in load.samples if s.kind == kind]
            rows.append((kind, load.summary(samples)))
        print(
            f"\n{'kind':<8} {'requests':>9} {'req/s':>7} {'5xx':>5} {'errors':>7} "
            f"{'p50 ms':>8} {'p99 ms':>8}"
        )
        for kind, row in rows:
            print(
                f"{kind:<8} {row['requests']:>9} {row['requests'] / DURATION:>7.1f} "
                f"{row['5xx']:>5} {row['errors']:>7} {row['p50_ms']:>8} {row['p99_ms']:>8}"
            )
        total = rows[0][1]
        print(
            f"\nLOAD requests={total['requests']} 5xx={total['5xx']} "
            f"errors={total['errors']} p99_ms={total['p99_ms']} "
            f"comments_acknowledged={len(load.acknowledged)} "
            f"comments_refused={len(load.refused)} stored_once={not problems}\n",
            flush=True,
        )
        failures = list(problems)
        if total["5xx"]:
            failures.append(f"{total['5xx']} responses were 5xx")
        if total["errors"]:
            failures.append(f"{total['errors']} requests failed")
        if not load.acknowledged:
            failures.append("no comment was acknowledged")
        if failures:
            log("FAILED:\n  " + "\n  ".join(failures[:20]))
            log("gunicorn log tail:\n" + node.logs()[-3000:])
            return 1
        log("OK")
        return 0
    finally:
        stack.close()


if __name__ == "__main__":
    sys.exit(main())
