"""The Content-Security-Policy holds in a real browser: reader pages (cached
or not), the consent banner and its embeds, the comments script and the admin
article editor (TinyMCE) run without a single violation."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from tests.consent.helpers import seed_cookie_groups
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
EMBED = (
    f'<figure class="embed" data-embed-url="{VIDEO}" data-embed-provider="youtube">'
    f'<a href="{VIDEO}">{VIDEO}</a></figure>'
)
PASSWORD = "mot-de-passe-du-chef"
# Every violation, in the page and in its frames (TinyMCE edits in an iframe).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


@pytest.fixture
def _consent_decided(transactional_db):
    """The banner is part of what is checked: show it (see conftest)."""
    seed_cookie_groups()


@pytest.fixture
def violations(context, live_server):
    """CSP violations reported by the browser: its console messages and the
    securitypolicyviolation events of every frame. Other hosts get a stub."""
    ours = urlsplit(live_server.url).netloc
    context.route(
        lambda url: urlsplit(url).netloc != ours,
        lambda route: route.fulfill(status=200, content_type="text/html", body="ok"),
    )
    context.add_init_script(LISTEN)
    seen = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            seen.append(message.text)

    context.on("console", on_console)

    def collect(page):
        for frame in page.frames:
            try:
                seen.extend(frame.evaluate("window.__cspViolations || []"))
            except Exception:  # noqa: BLE001 - a frame navigated away meanwhile
                continue
        return seen

    return collect


def test_the_listener_sees_an_inline_script(live_server, page, violations):
    """The check itself works: an inline script injected in a reader page is
    blocked and reported."""
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.append(s); }"""
    )
    expect(page.locator("html")).to_have_count(1)
    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert any("script-src" in entry for entry in violations(page))


def test_reader_pages_consent_and_comments_raise_no_violation(
    live_server, page, violations, settings
):
    settings.COMMENTS_FORM_MIN_SECONDS = 0
    article = make_article(title="Les trains de nuit", body="<p>Texte.</p>" + EMBED)
    url = live_server.url + article.get_absolute_url()

    # First visit: the consent banner (consent.js) opens; everything accepted
    # runs the audience script and loads the embed in its iframe.
    page.goto(url)
    banner = page.get_by_role("dialog", name="Vos choix en matière de cookies")
    expect(banner).to_be_visible()
    banner.get_by_role("button", name="Tout accepter").click()
    expect(banner).to_be_hidden()
    expect(page.locator(".embed-consent__frame")).to_have_count(1)
    # The page carries JSON-LD, which is data and needs no permission.
    assert page.locator('script[type="application/ld+json"]').count() >= 1

    # comments.js: the form appears with the reader's state; a post goes through.
    form = page.get_by_role("form", name="Laisser un commentaire")
    expect(form).to_be_visible()
    form.get_by_label("Nom").fill("Camille")
    form.get_by_label("E-mail").fill("camille@example.org")
    form.get_by_label("Commentaire").fill("Un commentaire sous politique stricte.")
    form.get_by_role("button", name="Publier le commentaire").click()
    expect(page.locator(".comment--pending")).to_contain_text("politique stricte")

    # Listings and a page served from the page cache (another reader).
    for path in ("/", article.section.get_absolute_url(), article.get_absolute_url()):
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
    assert violations(page) == []


def test_the_admin_article_editor_raises_no_violation(live_server, page, violations):
    """Log in, open the article form: TinyMCE loads and takes text; the
    changelist and the comment moderation pages run their scripts too."""
    User.objects.create_superuser("chef", "chef@example.org", PASSWORD)
    page.goto(live_server.url + "/admin/login/?next=/admin/")
    page.locator("#id_username").fill("chef")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")

    page.goto(live_server.url + "/admin/articles/article/add/")
    expect(page.locator(".tox-tinymce")).to_be_visible()
    body = page.frame_locator("#id_body_ifr").locator("body")
    body.click()
    page.keyboard.type("Un paragraphe sous politique stricte.")
    expect(body).to_contain_text("politique stricte")
    page.locator("#id_title").press_sequentially("Un titre")
    expect(page.locator("#id_slug")).to_have_value(re.compile("un-titre"))
    assert violations(page) == []

    for path in ("/admin/articles/article/", "/admin/comments/comment/"):
        page.goto(live_server.url + path)
        expect(page.locator("#changelist")).to_be_visible()
    assert violations(page) == []
