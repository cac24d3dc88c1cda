import re

import pytest
from playwright.sync_api import expect

from articles.demo.content import load_demo

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_to_section_to_seed_article(live_server, page):
    """A reader goes from the home page to INTERNATIONAL, then to the seed
    article, and sees its title, section label, related link and lead image."""
    load_demo()
    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("Ô Magazine"))

    page.get_by_role("navigation", name="Rubriques").get_by_role(
        "link", name="International"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("International")

    page.get_by_role(
        "link", name="La Russie retire une partie de ses troupes en Crimée"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "La Russie retire une partie de ses troupes en Crimée"
    )
    expect(page.locator(".article__header .section-label")).to_have_text(
        re.compile("international", re.IGNORECASE)
    )
    expect(page.locator(".article__meta")).to_contain_text("mercredi 16 février 2022")

    inline = page.locator(".article__body").get_by_role(
        "link", name=re.compile("Olaf Scholz appelle également à la désescalade")
    )
    expect(inline).to_be_visible()
    related = page.get_by_role("complementary", name="À lire également")
    expect(related.get_by_role("link", name=re.compile("Olaf Scholz"))).to_be_visible()

    image = page.locator(".article__figure img")
    expect(image).to_be_visible()
    expect(image).to_have_attribute("alt", re.compile(r"\w"))
    loaded = image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert loaded, "the lead image did not load"

    inline.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Olaf Scholz")
