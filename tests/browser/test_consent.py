"""Consent journeys in headless Chromium, read from the real cookie jar and
network log. Every request to another host than the live server is recorded
and answered by a stub, so « no third party » is checked, never reached."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from consent.models import ConsentRecord
from tests.consent.helpers import seed_cookie_groups
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
EMBED = (
    f'<figure class="embed" data-embed-url="{VIDEO}" data-embed-provider="youtube">'
    f'<a href="{VIDEO}">{VIDEO}</a></figure>'
)
ESSENTIAL = {"csrftoken", "sessionid", "cookie_consent", "omag_consent", "messages"}


@pytest.fixture(autouse=True)
def _seeded_groups(transactional_db):
    seed_cookie_groups()


@pytest.fixture
def _consent_decided():
    """These journeys are about the banner: show it (see conftest)."""


@pytest.fixture
def third_party(context, live_server):
    """Requests to any other host, answered by a stub page."""
    ours = urlsplit(live_server.url).netloc
    seen = []

    def stub(route):
        seen.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<p>stub</p>")

    context.route(lambda url: urlsplit(url).netloc != ours, stub)
    return seen


@pytest.fixture
def requests_log(page):
    log = []
    page.on("request", lambda request: log.append(request.url))
    return log


@pytest.fixture
def article():
    first = make_article(body="<p>Premier paragraphe.</p>" + EMBED)
    second = make_article(section=first.section, body="<p>Suite.</p>" + EMBED)
    return first, second


def cookie_names(context):
    return {cookie["name"] for cookie in context.cookies()}


def wait_for_state(page):
    """consent.js has read the reader's state (and run what it allows)."""
    expect(page.locator("html[data-consent]")).to_have_count(1)


def banner(page):
    return page.get_by_role("dialog", name="Vos choix en matière de cookies")


def test_fresh_visit_sets_no_optional_cookie_and_calls_no_third_party(
    live_server, page, context, article, third_party, requests_log
):
    page.goto(live_server.url + article[0].get_absolute_url())
    dialog = banner(page)
    expect(dialog).to_be_visible()
    for name in ("Tout accepter", "Tout refuser", "Paramètres individuels"):
        expect(dialog.get_by_role("button", name=name)).to_be_visible()
    expect(page.locator("#consent-title")).to_be_focused()
    expect(page.get_by_text("Afficher le contenu")).to_be_visible()
    wait_for_state(page)
    assert cookie_names(context) <= ESSENTIAL
    assert "omag_audience" not in cookie_names(context)
    assert third_party == []
    assert not [url for url in requests_log if "audience" in url]
    # The banner arrives in the top layer: the page does not move.
    shift = page.evaluate(
        """() => performance.getEntriesByType("layout-shift")
            .reduce((sum, entry) => sum + entry.value, 0)"""
    )
    assert shift == 0


def test_refuse_all_keeps_optional_cookies_out_and_banner_gone(
    live_server, page, context, article, third_party, requests_log
):
    page.goto(live_server.url + article[0].get_absolute_url())
    banner(page).get_by_role("button", name="Tout refuser").click()
    expect(banner(page)).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-consent", "none")
    assert {"cookie_consent", "omag_consent"} <= cookie_names(context)
    assert cookie_names(context) <= ESSENTIAL

    page.goto(live_server.url + article[1].get_absolute_url())
    wait_for_state(page)
    expect(banner(page)).to_be_hidden()
    expect(page.get_by_text("Afficher le contenu")).to_be_visible()
    assert cookie_names(context) <= ESSENTIAL
    assert third_party == []
    assert not [url for url in requests_log if "audience" in url]
    record = ConsentRecord.objects.get()
    assert record.choices == {"audience": False, "external_media": False}
    assert record.source == "refuse_all"


def test_audience_runs_after_acceptance_and_stops_after_withdrawal(
    live_server, page, context, article, third_party, requests_log
):
    page.goto(live_server.url + article[0].get_absolute_url())
    dialog = banner(page)
    dialog.get_by_role("button", name="Paramètres individuels").click()
    switch = dialog.get_by_role("switch", name="Accepter « Mesure d'audience »")
    expect(switch).not_to_be_checked()
    expect(
        dialog.get_by_role("switch", name="Accepter « Médias externes »")
    ).not_to_be_checked()
    dialog.get_by_text("Afficher le cookie (1)").click()
    expect(dialog.get_by_role("cell", name="13 mois")).to_be_visible()
    switch.check()
    with page.expect_request(re.compile(r"/cookies/audience/$")):
        dialog.get_by_role("button", name="Enregistrer la sélection").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-consent", "audience")
    assert "omag_audience" in cookie_names(context)

    with page.expect_request(re.compile(r"/cookies/audience/$")):
        page.goto(live_server.url + article[1].get_absolute_url())
    assert "omag_audience" in cookie_names(context)
    assert third_party == []

    # Withdrawal: as easy as giving, from the footer of any page.
    page.get_by_role("link", name="Gérer les cookies").click()
    dialog.get_by_role("button", name="Tout refuser").click()
    expect(dialog).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-consent", "none")
    assert "omag_audience" not in cookie_names(context)

    requests_log.clear()
    page.goto(live_server.url + article[0].get_absolute_url())
    wait_for_state(page)
    expect(page.locator("html")).to_have_attribute("data-consent", "none")
    assert not [url for url in requests_log if "audience" in url]
    assert "omag_audience" not in cookie_names(context)
    assert [r.source for r in ConsentRecord.objects.order_by("created")] == [
        "selection",
        "refuse_all",
    ]


def test_embed_loads_only_after_afficher_le_contenu(
    live_server, page, context, article, third_party
):
    page.goto(live_server.url + article[0].get_absolute_url())
    banner(page).get_by_role("button", name="Tout refuser").click()
    expect(banner(page)).to_be_hidden()
    placeholder = page.locator(".embed-consent")
    expect(placeholder).to_contain_text("YouTube")
    assert third_party == []

    with page.expect_request(re.compile(r"^https://www\.youtube-nocookie\.com/")):
        placeholder.get_by_role("link", name="Afficher le contenu").click()
    frame = page.frame_locator("iframe[title='Contenu YouTube']")
    expect(frame.get_by_text("stub")).to_be_visible()
    assert third_party == ["https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"]
    assert ConsentRecord.objects.latest("created").choices == {"external_media": True}

    # Accepted once, embeds load by themselves on the next pages.
    page.goto(live_server.url + article[1].get_absolute_url())
    expect(
        page.frame_locator("iframe[title='Contenu YouTube']").get_by_text("stub")
    ).to_be_visible()
    expect(page.get_by_text("Afficher le contenu")).to_have_count(0)
    assert len(third_party) == 2


def test_keyboard_only(live_server, page, context, article):
    page.goto(live_server.url + article[0].get_absolute_url())
    dialog = banner(page)
    expect(page.locator("#consent-title")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Tout accepter")).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Tout refuser")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.locator("#contenu")).to_be_focused()

    manage = page.get_by_role("link", name="Gérer les cookies")
    manage.focus()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    settings_button = dialog.get_by_role("button", name="Paramètres individuels")
    expect(settings_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("heading", name="Essentiels")).to_be_focused()
    switch = dialog.get_by_role("switch", name="Accepter « Mesure d'audience »")
    page.keyboard.press("Tab")  # « Afficher les cookies » of Essentiels
    page.keyboard.press("Tab")
    expect(switch).to_be_focused()
    page.keyboard.press("Space")
    expect(switch).to_be_checked()
    # Enter in a switch saves the selection (the form's first button).
    with page.expect_request(re.compile(r"/cookies/audience/$")):
        page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(manage).to_be_focused()
    expect(page.locator("html")).to_have_attribute("data-consent", "audience")
    assert "omag_audience" in cookie_names(context)


def test_escape_closes_and_counts_as_refusal(live_server, page, context, article):
    page.goto(live_server.url + article[0].get_absolute_url())
    expect(banner(page)).to_be_visible()
    # Without a prior user gesture Chromium closes the dialog at once (the
    # cancel event is not cancelable); the refusal is saved right after.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.keyboard.press("Escape")
    expect(banner(page)).to_be_hidden()
    expect(page.locator("html")).to_have_attribute("data-consent", "none")
    record = ConsentRecord.objects.get()
    assert record.source == "dismissed"
    assert record.choices == {"audience": False, "external_media": False}
    page.reload()
    wait_for_state(page)
    expect(banner(page)).to_be_hidden()


def test_readable_at_200_percent_zoom(live_server, browser, article):
    """A 640×450 viewport is the default 1280×900 window at 200 %."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 640, "height": 450}
    )
    try:
        page = context.new_page()
        page.goto(live_server.url + article[0].get_absolute_url())
        dialog = banner(page)
        expect(dialog).to_be_visible()
        for name in ("Tout accepter", "Tout refuser", "Paramètres individuels"):
            button = dialog.get_by_role("button", name=name)
            button.scroll_into_view_if_needed()
            expect(button).to_be_in_viewport()
        assert dialog.evaluate("d => d.scrollWidth <= d.clientWidth")
    finally:
        context.close()


def test_english_banner(live_server, page, article):
    page.goto(live_server.url + "/en" + article[0].get_absolute_url())
    dialog = page.get_by_role("dialog", name="Your cookie choices")
    expect(dialog.get_by_role("button", name="Refuse all")).to_be_visible()
    dialog.get_by_role("button", name="Individual settings").click()
    expect(dialog.get_by_role("button", name="Save selection")).to_be_visible()
    expect(page.get_by_role("link", name="Show the content")).to_be_visible()


def test_cookie_page_works_without_javascript(live_server, browser):
    context = browser.new_context(locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Gérer les cookies").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gestion des cookies")
        page.get_by_role("switch", name="Accepter « Médias externes »").check()
        page.get_by_role("button", name="Enregistrer la sélection").click()
        expect(page.get_by_role("status")).to_have_text(
            "Vos choix de cookies sont enregistrés."
        )
        expect(
            page.get_by_role("switch", name="Accepter « Médias externes »")
        ).to_be_checked()
        expect(
            page.get_by_role("switch", name="Accepter « Mesure d'audience »")
        ).not_to_be_checked()
        names = {cookie["name"] for cookie in context.cookies()}
        assert {"cookie_consent", "omag_consent"} <= names
        assert ConsentRecord.objects.get().choices == {
            "audience": False,
            "external_media": True,
        }
    finally:
        context.close()
