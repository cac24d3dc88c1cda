"""Fault: Redis stopped under load, then started again (bounded: ~1 minute).

Gunicorn with production settings and 2 workers, readers and commenters;
the private Redis is stopped at 8 s and started again 12 s later. Checked:

- not one 5xx or failed request: pages are served from the database
  (cache bypassed) and comments are still accepted;
- each worker logs the outage once ("Cache unreachable"), not once per
  request, and says when Redis is back;
- rate limits fail safe: comments posted while the counters were unknown are
  held for moderation ("Limites d'envoi indisponibles"), never lost;
- /sante/ says "degraded" (200) during the outage, "ok" after;
- every acknowledged comment is stored exactly once; once Redis is back,
  pages are cached again.
"""

import os
import sys
import threading
import time

from harness import (
    FORM_MIN_SECONDS,
    Browser,
    Load,
    Stack,
    comment_tokens,
    log,
    main,
    post_comment,
    request,
    site_paths,
    stored_once,
)

PORT = int(os.environ.get("FAULT_REDIS_PORT_HTTP", 8602))
DOWN_AT, DOWN_FOR, AFTER = 8, 12, 10


def scenario(stack: Stack) -> list[str]:
    node = stack.node(PORT)
    try:
        paths, slugs = site_paths(stack)
        health = []
        stop = threading.Event()

        def poll_health():
            while not stop.wait(0.25):
                try:
                    reply = request(PORT, "GET", "/sante/", timeout=5)
                    health.append((time.monotonic(), reply.status, reply.text))
                except OSError:
                    health.append((time.monotonic(), 0, ""))

        poller = threading.Thread(target=poll_health, daemon=True)
        poller.start()
        # Trusted commenters (3 approved comments) are published at once
        # while the rate limits can be counted.
        trusted = [f"fidele-{n}-{int(time.time())}@example.org" for n in range(3)]
        stack.django(
            "import json\n"
            "from articles.models import Article\n"
            "from comments.models import Comment\n"
            f"a = Article.objects.get(slug={slugs[0]!r})\n"
            f"for e in {trusted!r}:\n"
            "    for i in range(3):\n"
            "        Comment.objects.create(article=a, name='Fidèle', email=e,"
            " body=f'Ancien {i} {e}', status='approved')\n"
            "print(json.dumps(1))"
        )

        def trusted_post(email):
            browser = Browser(PORT, ip="10.250.0.1")
            tokens = comment_tokens(browser, slugs[0])
            time.sleep(FORM_MIN_SECONDS + 0.2)
            body = f"Avis de {email} : toujours aussi bon."
            reply = post_comment(
                browser, slugs[0], tokens, name="Fidèle", email=email, body=body
            )
            status = stack.pg.query(
                f"SELECT status FROM comments_comment WHERE body = '{body}'"
            ).strip()
            return reply.status, status

        load = Load(PORT, readers=3, commenters=6, paths=paths, slugs=slugs).start()
        began = time.monotonic()
        control = trusted_post(trusted[0])
        log(f"Trusted commenter with Redis up: {control}")
        time.sleep(max(0, DOWN_AT - (time.monotonic() - began)))
        log("Stopping Redis")
        down = time.monotonic()
        stack.redis.stop()
        held_posts = [trusted_post(trusted[1]), trusted_post(trusted[2])]
        log(f"Trusted commenters with Redis down: {held_posts}")
        time.sleep(max(0, DOWN_FOR - (time.monotonic() - down)))
        stack.redis.start()
        back = time.monotonic()
        log("Redis started again")
        time.sleep(AFTER)
        load.stop()
        stop.set()
        poller.join()
        cached_again = request(PORT, "GET", "/").headers.get("x-page-cache")
        if cached_again != "hit":
            cached_again = request(PORT, "GET", "/").headers.get("x-page-cache")

        failures = []
        summary = load.summary()
        log(f"Load: {summary}")
        bad = [s for s in load.samples if s.status == 0 or s.status >= 500]
        if bad:
            failures.append(f"{len(bad)} requests failed (5xx or no answer)")
        if not load.acknowledged:
            failures.append("no comment was acknowledged")
        if load.refused:
            failures.append(f"comments refused: {load.refused[:3]}")
        failures += stored_once(stack, load)

        logs = node.logs()
        warnings = logs.count("Cache unreachable")
        log(f"'Cache unreachable' logged {warnings} time(s) (2 workers)")
        if not 1 <= warnings <= 2:
            failures.append(f"outage logged {warnings} times, expected once per worker")
        if "Cache reachable again" not in logs:
            failures.append("the return of Redis was not logged")

        if control != (302, "approved"):
            failures.append(f"trusted commenter with Redis up: {control}")
        if held_posts != [(302, "pending")] * 2:
            failures.append(f"trusted commenters with Redis down: {held_posts}")

        during = {
            st
            for t, st, text in health
            if down + 1 <= t < back - 0.5 and '"degraded"' in text
        }
        during_codes = {st for t, st, _ in health if down + 1 <= t < back - 0.5}
        after = {st for t, st, text in health if t >= back + 3 and '"ok"' in text}
        log(f"/sante/ during: {sorted(during_codes)}, degraded seen: {bool(during)}")
        if during_codes != {200} or not during:
            failures.append(f"/sante/ during the outage: {during_codes}")
        if after != {200}:
            failures.append("/sante/ did not say ok after Redis returned")
        if cached_again != "hit":
            failures.append("pages not cached again after Redis returned")
        if failures:
            log("gunicorn log tail:\n" + logs[-3000:])
        else:
            log("OK: served and took comments without Redis; rate limits failed safe")
        return failures
    finally:
        node.stop()


if __name__ == "__main__":
    sys.exit(main(scenario))
