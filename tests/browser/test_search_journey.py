import re

import pytest
from playwright.sync_api import expect

from articles.demo.content import load_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_search_from_the_header(live_server, page):
    """A reader types a word without its accent in the header's search box,
    sees the matching article with the word highlighted, and opens it."""
    load_demo()
    page.goto(live_server.url + "/")
    search = page.get_by_role("search")
    search.get_by_label("Rechercher dans les articles").fill("Crimée")
    search.get_by_role("button", name="Rechercher").click()

    expect(page).to_have_url(re.compile(r"/recherche/\?q=Crim"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher")
    expect(page.get_by_role("status")).to_contain_text("pour « Crimée »")
    result = page.get_by_role(
        "link", name="La Russie retire une partie de ses troupes en Crimée"
    )
    expect(result.locator("mark")).to_have_text("Crimée")
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "La Russie retire une partie de ses troupes en Crimée"
    )
    expect(page.locator(".reading-time")).to_have_text(
        re.compile(r"\d+ min de lecture")
    )


def test_too_long_query_is_explained(live_server, page):
    """A huge query gets the form back with a French reason, not an error."""
    page.goto(live_server.url + "/recherche/?q=" + "mot+" * 100)
    expect(page.locator("#search-q-error")).to_contain_text("trop longue")
    expect(page.get_by_label("Mots recherchés")).to_have_attribute(
        "aria-invalid", "true"
    )
