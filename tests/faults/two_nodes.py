"""Several nodes: two gunicorn nodes on two ports sharing the private
PostgreSQL, Redis and media folder (bounded: ~1 minute). Checked, over HTTP:

- an article published in the admin of node A is on node B's home page and
  at its address at once, although node B had the home page cached (the page
  cache generations live in the shared Redis);
- the per-IP comment limit is counted across nodes: 5 posts alternating
  between A and B are taken, the 6th is refused (429) on either;
- a comment approved in node A's admin shows under the article on node B at
  once (B had the article page cached).
"""

import os
import re
import sys
import time
from html import unescape
from html.parser import HTMLParser

from harness import (
    FORM_MIN_SECONDS,
    Browser,
    Stack,
    comment_tokens,
    log,
    main,
    post_comment,
    site_paths,
)

PORT_A = int(os.environ.get("FAULT_NODE_A", 8603))
PORT_B = int(os.environ.get("FAULT_NODE_B", 8604))
RATE_LIMIT = 5  # settings.COMMENTS_RATE_LIMITS["ip"][0]


class FormFields(HTMLParser):
    """The fields a browser would send for one form (by id)."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None
        self._options = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or a.get("disabled") is not None:
            return
        kind = (a.get("type") or "text").lower()
        if tag == "input" and a.get("name"):
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append(
                (a["name"], a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and a.get("name"):
            self._select, self._options = a, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected]
            if not chosen and self._options and "multiple" not in self._select:
                chosen = [self._options[0][0]]
            self.fields += [(self._select["name"], v) for v in chosen]
            self._select = None


def login(port, username, password) -> Browser:
    browser = Browser(port)
    page = browser.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
    reply = browser.post(
        "/admin/login/",
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": password,
            "next": "/admin/",
        },
    )
    if reply.status != 302:
        raise RuntimeError(f"login of {username} on :{port} answered {reply.status}")
    return browser


def cached_twice(port, path) -> str:
    """Load a page twice as an anonymous reader: the second is a cache hit."""
    Browser(port).get(path)
    reply = Browser(port).get(path)
    assert reply.headers.get("x-page-cache") == "hit", f"{path} not cached on :{port}"
    return reply.text


def scenario(stack: Stack) -> list[str]:
    failures = []
    a, b = stack.node(PORT_A), stack.node(PORT_B)
    try:
        _paths, slugs = site_paths(stack)
        title = f"Dépêche des deux nœuds {int(time.time())}"
        draft = stack.django(
            "import json\n"
            "from articles.models import Article, Section, Author, Byline\n"
            f"art = Article.objects.create(title={title!r}, slug='depeche-deux-noeuds-{int(time.time())}',"
            " standfirst='Publiée sur un nœud, lue sur l’autre.', body='<p>Texte.</p>',"
            " section=Section.objects.first(), status='draft')\n"
            "Byline.objects.create(article=art, author=Author.objects.first(), position=0)\n"
            "print(json.dumps([art.pk, art.get_absolute_url()]))"
        )
        pk, url = draft

        # 1. Published on A, visible on B at once.
        home_before = cached_twice(PORT_B, "/")
        if title in unescape(home_before):
            failures.append("the draft is on the home page before publication")
        editor = login(PORT_A, "editeur", "editeur-demo")
        form_page = editor.get(f"/admin/articles/article/{pk}/change/")
        parser = FormFields("article_form")
        parser.feed(form_page.text)
        if not parser.fields:
            failures.append(f"no article form on node A ({form_page.status})")
        reply = editor.post(
            f"/admin/articles/article/{pk}/change/",
            [*parser.fields, ("workflow_action", "publish")],
        )
        if reply.status != 302:
            errors = re.findall(
                r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', reply.text, re.S
            )
            failures.append(
                f"publishing on node A answered {reply.status}: {errors[:3]}"
            )
        home_after = Browser(PORT_B).get("/")
        page_b = Browser(PORT_B).get(url)
        log(
            f"Published on A; on B: home has it: {title in unescape(home_after.text)}, "
            f"article {page_b.status}"
        )
        if title not in unescape(home_after.text) or page_b.status != 200:
            failures.append("the article published on A is not on B at once")

        # 2. Rate limits counted across nodes (one reader's address).
        ip = "10.252.0.7"
        slug = slugs[0]
        prepared = []
        for n in range(RATE_LIMIT + 1):
            port = (PORT_A, PORT_B)[n % 2]
            browser = Browser(port, ip=ip)
            prepared.append((port, browser, comment_tokens(browser, slug)))
        time.sleep(FORM_MIN_SECONDS + 0.2)
        statuses, bodies = [], []
        for n, (port, browser, tokens) in enumerate(prepared):
            body = f"Avis {n} depuis deux nœuds, {ip}, {time.time()}"
            bodies.append(body)
            reply = post_comment(
                browser,
                slug,
                tokens,
                name="Ubiquiste",
                email=f"ubi{n}-{int(time.time())}@example.org",
                body=body,
            )
            statuses.append((port, reply.status))
        log(f"Posts from one address, alternating nodes: {statuses}")
        if [s for _, s in statuses] != [302] * RATE_LIMIT + [429]:
            failures.append(f"rate limit not shared: {statuses}")

        # 3. Approved on A, shown on B at once.
        article_path = f"/article/{slug}/"
        before = cached_twice(PORT_B, article_path)
        if bodies[0] in unescape(before):
            failures.append("a pending comment is shown")
        comment_pk = int(
            stack.pg.query(
                f"SELECT id FROM comments_comment WHERE body = '{bodies[0]}'"
            )
        )
        moderator = login(PORT_A, "moderateur", "moderateur-demo")
        changelist = moderator.get("/admin/comments/comment/")
        token = re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', changelist.text
        )[1]
        reply = moderator.post(
            "/admin/comments/comment/",
            {
                "csrfmiddlewaretoken": token,
                "action": "approve",
                "_selected_action": comment_pk,
                "select_across": "0",
                "index": "0",
            },
        )
        after = Browser(PORT_B).get(article_path)
        shown = bodies[0] in unescape(after.text)
        log(f"Approved on A ({reply.status}); shown on B at once: {shown}")
        if reply.status != 302 or not shown:
            failures.append("a comment approved on A is not shown on B at once")
        if not failures:
            log("OK: invalidation, rate limits and moderation are shared by the nodes")
        else:
            log("node A log tail:\n" + a.logs()[-2000:])
        return failures
    finally:
        a.stop()
        b.stop()


if __name__ == "__main__":
    sys.exit(main(scenario))
