"""Playwright journeys in Debian's headless Chromium against a live server.

`playwright install` cannot download browsers here, so the system Chromium is
launched. Without it the journeys are skipped locally, but fail when
OMAG_REQUIRE_BROWSER is set (CI sets it), so CI never skips them silently.
"""

import os
import shutil

import pytest

from tests.browser.helpers import refuse_optional_cookies

CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls made
# by the tests themselves are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import expect

    # Two cores shared with the live server: allow more than the default 5 s.
    expect.set_options(timeout=10_000)
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("OMAG_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(autouse=True)
def _serve_media(settings):
    settings.SERVE_MEDIA = True


@pytest.fixture(autouse=True)
def _consent_decided(request, live_server):
    """Journeys that are not about consent start as a reader who has refused
    optional cookies, so that the consent dialog does not cover the page.
    tests/browser/test_consent*.py override this fixture to see the banner."""
    if "context" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    refuse_optional_cookies(request.getfixturevalue("context"), live_server.url)
