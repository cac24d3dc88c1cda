"""The newsroom journey in headless Chromium: a journalist writes an article
with an image and submits it; an editor publishes it; a reader sees it."""

import re
from io import BytesIO

import pytest
from PIL import Image
from playwright.sync_api import expect

from articles.models import Article
from tests.browser.helpers import refuse_optional_cookies
from tests.editorial.helpers import PASSWORD, make_user
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(tab, base_url, user):
    tab.goto(base_url + "/admin/login/?next=/admin/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.get_by_role("button", name="Connexion").click()
    expect(tab.get_by_role("heading", level=1)).to_have_text("Tableau de bord")


def test_journalist_writes_editor_publishes_reader_reads(
    live_server,
    browser,
    tmp_path,
):
    section = make_section(name="Culture", slug="culture")
    journalist = make_user("Journaliste", first_name="Claire", last_name="Dumont")
    editor = make_user("Éditeur")
    photo = tmp_path / "expo.jpg"
    out = BytesIO()
    Image.new("RGB", (1200, 800), (30, 120, 90)).save(out, "JPEG")
    photo.write_bytes(out.getvalue())

    # The journalist writes, with the rich-text editor and a lead image.
    desk = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    tab = desk.new_page()
    log_in(tab, live_server.url, journalist)
    tab.goto(live_server.url + "/admin/articles/article/add/")
    tab.locator("#id_title").fill("Une exposition de Matisse à Lyon")
    tab.locator("#id_section").select_option(str(section.pk))
    tab.locator("#id_standfirst").fill("Le musée des Beaux-Arts rassemble 200 œuvres.")
    editor_body = tab.frame_locator("#id_body_ifr").locator("body")
    editor_body.click()
    tab.keyboard.type("Le public se presse depuis l'ouverture.")
    tab.locator("#id_lead_image").set_input_files(str(photo))
    tab.locator("#id_lead_image_alt").fill("La façade du musée des Beaux-Arts")
    tab.get_by_role(
        "button", name=re.compile("soumettre à la relecture", re.IGNORECASE)
    ).click()
    expect(tab.locator(".messagelist")).to_contain_text(
        "Article soumis à la relecture."
    )
    expect(tab.locator(".workflow-status")).to_contain_text("En relecture")
    article = Article.objects.get(title="Une exposition de Matisse à Lyon")
    assert article.status == Article.Status.REVIEW
    assert "Le public se presse depuis l" in article.body
    desk.close()

    # The editor finds it on the dashboard and publishes it.
    desk = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    tab = desk.new_page()
    log_in(tab, live_server.url, editor)
    tab.locator("#dashboard-review").get_by_role(
        "link", name="Une exposition de Matisse à Lyon"
    ).click()
    tab.get_by_role("button", name="Publier", exact=True).click()
    expect(tab.locator(".messagelist")).to_contain_text("Article publié.")
    desk.close()

    # A reader sees it, image and all.
    reader = browser.new_context(locale="fr-FR")
    refuse_optional_cookies(reader, live_server.url)
    tab = reader.new_page()
    tab.goto(live_server.url + "/")
    tab.get_by_role("link", name="Une exposition de Matisse à Lyon").first.click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(
        "Une exposition de Matisse à Lyon"
    )
    expect(tab.locator(".article__body")).to_contain_text(
        "Le public se presse depuis l'ouverture."
    )
    expect(tab.locator(".byline")).to_contain_text("Signature")
    image = tab.locator(".article__figure img")
    expect(image).to_have_attribute("alt", "La façade du musée des Beaux-Arts")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
    reader.close()


def test_editor_reorders_related_reading_by_drag(live_server, browser):  # noqa: F811
    """Dragging the third pick to the top saves it in first position."""
    editor = make_user("Éditeur")
    picks = [make_article(title=f"Lecture {n}") for n in (1, 2, 3)]
    article = make_article(title="Article principal", related=picks)
    desk = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    tab = desk.new_page()
    log_in(tab, live_server.url, editor)
    tab.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    rows = tab.locator("#related_links-group tbody tr.has_original")
    expect(rows).to_have_count(3)
    rows.nth(2).drag_to(rows.nth(0), target_position={"x": 5, "y": 2})
    expect(rows.nth(0)).to_contain_text("Lecture 3")
    expect(rows.nth(0).locator("input[name$='-position']")).to_have_value("0")
    tab.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(tab.locator(".messagelist")).to_contain_text("modifié avec succès")
    order = list(
        article.related_links.order_by("position").values_list(
            "related__title", flat=True
        )
    )
    assert order == ["Lecture 3", "Lecture 1", "Lecture 2"]
    desk.close()
