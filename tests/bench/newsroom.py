"""The newsroom of run.py's mix: an editor who saves articles and a moderator
who approves comments, through the real Django admin over HTTP, each in a
thread beside wrk's readers."""

import http.client
import re
import statistics
import threading
import time
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
REVISION = re.compile(r" \(révision \d+\)$")


class Reply:
    def __init__(self, status, headers, text):
        self.status, self.headers, self.text = status, headers, text

    def excerpt(self) -> str:
        """The form's error messages if there are any, else the page's start."""
        errors = re.findall(
            r'class="(?:errornote|errorlist)[^"]*"[^>]*>(.*?)</(?:p|ul)>',
            self.text,
            re.S,
        )
        text = " | ".join(errors) if errors else self.text[:800]
        return f"{self.status}: " + re.sub(r"\s+", " ", unescape(text)).strip()[:800]


class Browser:
    """One staff member's session. Cookies kept by hand (no cookie jar):
    production cookies may be `Secure`, which a jar would not send back over
    plain HTTP. A new connection per request: gunicorn's sync workers close
    each one."""

    def __init__(self, port: int):
        self.port = port
        self.origin = f"http://127.0.0.1:{port}"
        self.cookies = {}

    def request(self, method: str, path: str, fields=None) -> Reply:
        headers = {"Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for line in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in line.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return Reply(response.status, response.headers, text)

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post(self, path: str, fields) -> Reply:
        return self.request("POST", path, fields)

    def login(self, username: str, password: str) -> None:
        page = self.get("/admin/login/")
        reply = self.post(
            "/admin/login/",
            {
                "csrfmiddlewaretoken": CSRF_INPUT.search(page.text)[1],
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )
        if reply.status != 302:
            raise RuntimeError(f"admin login of {username}: {reply.excerpt()}")


class FormFields(HTMLParser):
    """What a browser sends for one form (by id) when no button is named:
    every enabled input, select and textarea; checkboxes and radios only when
    checked; no file chosen; no submit button (the caller adds its own)."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._option = self._textarea = None
        self._options = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            return
        if not self.inside:
            return
        if tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._options.append(self._option)
            return
        if not a.get("name") or "disabled" in a:
            return
        kind = (a.get("type") or "text").lower()
        if tag == "input":
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            self.fields.append((a["name"], a.get("value", default)))
        elif tag == "select":
            self._select, self._options = a, []
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        elif self._option is not None:
            self._option[2] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "option":
            self._option = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            # HTML drops the newline that follows <textarea>; html.parser keeps it.
            self.fields.append((name, value.removeprefix("\r\n").removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            options = [
                (text.strip() if value is None else value, selected)
                for value, selected, text in self._options
            ]
            chosen = [value for value, selected in options if selected]
            if not chosen and options and "multiple" not in self._select:
                chosen = [options[0][0]]
            self.fields += [(self._select["name"], value) for value in chosen]
            self._select = self._option = None


class StaffThread(threading.Thread):
    """Does one action every `period` seconds until stopped; counts actions,
    errors (keeping the first one's reply) and their durations."""

    period = 1.0

    def __init__(self, port: int, username: str, password: str):
        super().__init__(daemon=True)
        self.browser = Browser(port)
        self.username, self.password = username, password
        self.stopping = threading.Event()
        self.done, self.errors, self.seconds = 0, 0, []
        self.first_failure = None

    def login(self):
        self.browser.login(self.username, self.password)

    def run(self):
        start = time.monotonic()
        while not self.stopping.is_set():
            began = time.monotonic()
            try:
                failure = self.act()
            except Exception as error:  # noqa: BLE001 - counted, reported once
                failure = f"{type(error).__name__}: {error}"
            self.seconds.append(time.monotonic() - began)
            self.done += 1
            if failure:
                self.errors += 1
                self.first_failure = self.first_failure or failure
            # On a fixed beat, as a person saving every few seconds would.
            next_at = start + self.done * self.period
            self.stopping.wait(max(0.0, next_at - time.monotonic()))

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)

    def summary(self) -> str:
        if not self.seconds:
            return "nothing done"
        return (
            f"{self.done} done, {self.errors} errors, "
            f"p50 {statistics.median(self.seconds) * 1000:.0f} ms, "
            f"max {max(self.seconds) * 1000:.0f} ms"
        )


class Editor(StaffThread):
    """Saves an article every 2 s with the change form's plain "Enregistrer"
    (`_save`): a draft, then a published article, in turn."""

    period = 2.0

    def __init__(self, port, username, password, *, drafts, pick_published):
        super().__init__(port, username, password)
        self.drafts, self.pick_published = drafts, pick_published

    def act(self):
        if self.done % 2 == 0:
            pk = self.drafts[(self.done // 2) % len(self.drafts)]
        else:
            pk = self.pick_published()
        path = f"/admin/articles/article/{pk}/change/"
        page = self.browser.get(path)
        if page.status != 200:
            return f"GET {path}: {page.excerpt()}"
        form = FormFields("article_form")
        form.feed(page.text)
        fields = []
        for name, value in form.fields:
            if name == "standfirst":
                value = REVISION.sub("", value) + f" (révision {self.done})"
            fields.append((name, value))
        if not any(name == "standfirst" for name, _ in fields):
            return f"GET {path}: no standfirst in the form"
        # The plain save button; the workflow buttons post `workflow_action`.
        reply = self.browser.post(path, [*fields, ("_save", "Enregistrer")])
        if reply.status != 302:
            return f"POST {path}: {reply.excerpt()}"
        return None


class Moderator(StaffThread):
    """Approves one pending comment every 5 s from the moderation queue with
    the changelist's bulk action, and follows the redirect to check that the
    admin says it was approved (a refused action redirects too)."""

    period = 5.0
    queue = "/admin/comments/comment/?status__exact=pending"

    def __init__(self, port, username, password, *, pending):
        super().__init__(port, username, password)
        self.pending = list(pending)  # [comment pk, its article's path]
        self.approved = []  # the article of each approval that answered 302

    def act(self):
        if not self.pending:
            return "no pending comment left (prepare.py tops them up)"
        page = self.browser.get(self.queue)
        if page.status != 200:
            return f"GET {self.queue}: {page.excerpt()}"
        pk, article = self.pending.pop(0)
        reply = self.browser.post(
            self.queue,
            {
                "csrfmiddlewaretoken": CSRF_INPUT.search(page.text)[1],
                "action": "approve",
                "_selected_action": pk,
                "select_across": "0",
                "index": "0",
            },
        )
        if reply.status != 302:
            return f"POST {self.queue}: {reply.excerpt()}"
        self.approved.append(article)
        location = urlsplit(reply.headers["Location"])
        target = location.path + (f"?{location.query}" if location.query else "")
        after = self.browser.get(target)
        if "1 commentaire approuvé" not in unescape(after.text):
            return f"approval not confirmed: {after.excerpt()}"
        return None
