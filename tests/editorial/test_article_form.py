"""The article form in the admin: stale saves, slugs, lead images, alt text,
related reading, body sanitising. Whatever is refused, what was typed stays."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from PIL import Image

from articles.models import Article, SlugRedirect
from tests.editorial.helpers import ADD_URL, PASSWORD, admin_form, change_url, make_user
from tests.factories import make_article, make_section

Status = Article.Status


def image_bytes(fmt="JPEG", size=(800, 450)):
    out = BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, fmt)
    return out.getvalue()


def png_header_only(width, height):
    """A PNG that claims a huge size: what a decompression bomb looks like to
    whoever opens it."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (width * 3 + 1) * 4)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)


class StaleSaveTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.first = make_user("Éditeur", first_name="Anne", last_name="Martin")
        cls.second = make_user("Éditeur", username="bruno")
        cls.article = make_article(title="Titre d'origine")

    def test_second_stale_save_is_refused_and_keeps_the_typing(self):
        url = change_url(self.article)
        self.client.login(username=self.second.username, password=PASSWORD)
        late = admin_form(self.client, url, title="Titre de Bruno, tapé longuement")
        self.client.login(username=self.first.username, password=PASSWORD)
        response = self.client.post(
            url, admin_form(self.client, url, title="Titre d'Anne")
        )
        self.assertEqual(response.status_code, 302)

        self.client.login(username=self.second.username, password=PASSWORD)
        response = self.client.post(url, late)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Anne Martin a modifié cet article le")
        self.assertContains(response, "Titre de Bruno, tapé longuement")
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Titre d'Anne")

        # Having read the message, saving again on purpose goes through.
        response = self.client.post(url, {**late, **_fields(response)})
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Titre de Bruno, tapé longuement")

    def test_fresh_save_goes_through(self):
        url = change_url(self.article)
        self.client.login(username=self.first.username, password=PASSWORD)
        self.client.post(url, admin_form(self.client, url, title="Un"))
        response = self.client.post(url, admin_form(self.client, url, title="Deux"))
        self.assertEqual(response.status_code, 302)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Deux")


def _fields(response):
    from tests.editorial.helpers import scrape_form

    token = scrape_form(response.content.decode())["edit_token"]
    return {"edit_token": token}


class SlugTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("Éditeur")

    def setUp(self):
        self.client.login(username=self.editor.username, password=PASSWORD)

    def test_changing_a_published_slug_redirects_the_old_url(self):
        article = make_article(title="Ancien titre", slug="ancien-titre")
        old_url = article.get_absolute_url()
        url = change_url(article)
        self.client.post(url, admin_form(self.client, url, slug="nouveau-titre"))
        article.refresh_from_db()
        self.assertEqual(article.slug, "nouveau-titre")
        response = self.client.get(old_url)
        self.assertRedirects(response, article.get_absolute_url(), status_code=301)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)

        # A second change: both old addresses lead to the current one.
        self.client.post(url, admin_form(self.client, url, slug="troisieme"))
        article.refresh_from_db()
        for old in ("/article/ancien-titre/", "/article/nouveau-titre/"):
            self.assertRedirects(
                self.client.get(old), "/article/troisieme/", status_code=301
            )
        # Going back to an old slug retires its redirect.
        self.client.post(url, admin_form(self.client, url, slug="ancien-titre"))
        self.assertFalse(SlugRedirect.objects.filter(old_slug="ancien-titre").exists())
        self.assertEqual(self.client.get("/article/ancien-titre/").status_code, 200)

    def test_never_published_draft_keeps_no_old_slug(self):
        article = make_article(status=Status.DRAFT, published_at=None, slug="brouillon")
        url = change_url(article)
        self.client.post(url, admin_form(self.client, url, slug="brouillon-2"))
        self.assertFalse(SlugRedirect.objects.exists())
        self.assertEqual(self.client.get("/article/brouillon/").status_code, 404)

    def test_slug_is_made_from_title(self):
        data = admin_form(
            self.client,
            ADD_URL,
            title="L'Élysée répond",
            slug="",
            section=str(make_section().pk),
            body="<p>Texte</p>",
        )
        data["bylines-TOTAL_FORMS"] = "0"
        data["related_links-TOTAL_FORMS"] = "0"
        self.client.post(ADD_URL, data)
        self.assertEqual(Article.objects.get().slug, "lelysee-repond")


class LeadImageTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.journalist = make_user("Journaliste")
        cls.section = make_section()

    def setUp(self):
        self.client.login(username=self.journalist.username, password=PASSWORD)
        self.article = make_article(
            status=Status.DRAFT,
            published_at=None,
            created_by=self.journalist,
            section=self.section,
            title="Titre enregistré",
        )
        self.url = change_url(self.article)

    def post_image(self, content, name="photo.jpg", **changes):
        typed = {
            "title": "Titre tapé avant l'envoi",
            "body": "<p>Un long paragraphe tapé par la journaliste.</p>",
            "lead_image_alt": "Une photo",
        }
        data = admin_form(self.client, self.url, **{**typed, **changes})
        data["lead_image"] = SimpleUploadedFile(name, content)
        return self.client.post(self.url, data)

    def assert_refused(self, response, message):
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, message)
        # Nothing typed is lost, nothing is saved.
        self.assertContains(response, "Titre tapé avant l&#x27;envoi")
        self.assertContains(response, "Un long paragraphe tapé par la journaliste.")
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Titre enregistré")
        self.assertFalse(self.article.lead_image)

    def test_valid_formats_are_accepted(self):
        for fmt, name in [("JPEG", "a.jpg"), ("PNG", "b.png"), ("WEBP", "c.webp")]:
            with self.subTest(fmt=fmt):
                response = self.post_image(image_bytes(fmt), name=name)
                self.assertEqual(response.status_code, 302)
                self.article.refresh_from_db()
                self.assertTrue(self.article.lead_image_renditions["items"])

    def test_format_is_judged_by_content_not_name(self):
        gif = BytesIO()
        Image.new("RGB", (50, 50)).save(gif, "GIF")
        self.assert_refused(
            self.post_image(gif.getvalue(), name="deguise.jpg"), "Format refusé"
        )
        # And a real PNG named .jpg is fine.
        self.assertEqual(
            self.post_image(image_bytes("PNG"), name="x.jpg").status_code, 302
        )

    def test_corrupt_file(self):
        self.assert_refused(
            self.post_image(b"\xff\xd8\xff\xe0 pas vraiment une image" * 20),
            "n&#x27;est pas une image lisible",
        )

    def test_not_an_image(self):
        self.assert_refused(
            self.post_image(b"%PDF-1.4\n%%EOF\n", name="doc.png"),
            "n&#x27;est pas une image lisible",
        )
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
        self.assert_refused(
            self.post_image(svg, name="x.webp"), "n&#x27;est pas une image lisible"
        )

    def test_truncated_file(self):
        data = image_bytes("JPEG", size=(1200, 800))
        self.assert_refused(
            self.post_image(data[: len(data) // 2]), "n&#x27;est pas une image lisible"
        )

    def test_decompression_bomb(self):
        self.assert_refused(
            self.post_image(png_header_only(40_000, 40_000), name="bombe.png"),
            "nombre démesuré de pixels",
        )

    def test_too_many_pixels(self):
        self.assert_refused(
            self.post_image(png_header_only(9_000, 6_000), name="grande.png"),
            "9000 × 6000 pixels, c&#x27;est trop grand",
        )

    @override_settings(ARTICLE_IMAGE_MAX_BYTES=1000)
    def test_file_too_heavy(self):
        self.assert_refused(
            self.post_image(image_bytes("PNG", size=(400, 400))), "la limite est"
        )

    def test_alt_text_required_with_an_image(self):
        response = self.post_image(image_bytes(), lead_image_alt="")
        self.assertContains(response, "le texte alternatif est obligatoire")
        self.article.refresh_from_db()
        self.assertFalse(self.article.lead_image)

    def test_limits_are_stated(self):
        response = self.client.get(self.url)
        self.assertContains(response, "JPEG, PNG ou WebP ; 10,0")
        self.assertContains(response, "40 millions de pixels au plus")


class BodyAndRelatedTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("Éditeur")

    def setUp(self):
        self.client.login(username=self.editor.username, password=PASSWORD)

    def test_body_is_sanitised_on_save(self):
        article = make_article()
        url = change_url(article)
        self.client.post(
            url,
            admin_form(
                self.client,
                url,
                body='<p onclick="x()">Texte<script>alert(1)</script></p>'
                "<p>https://youtu.be/dQw4w9WgXcQ</p>",
            ),
        )
        article.refresh_from_db()
        self.assertEqual(
            article.body,
            '<p>Texte</p><figure class="embed" '
            'data-embed-url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" '
            'data-embed-provider="youtube"><a href="https://www.youtube.com/watch?v='
            'dQw4w9WgXcQ">https://www.youtube.com/watch?v=dQw4w9WgXcQ</a></figure>',
        )

    def test_warning_when_a_related_pick_is_not_published(self):
        article = make_article()
        draft = make_article(status=Status.DRAFT, published_at=None, title="Pas prêt")
        url = change_url(article)
        data = admin_form(
            self.client,
            url,
            **{
                "related_links-0-related": str(draft.pk),
                "related_links-0-position": "1",
            },
        )
        response = self.client.post(url, data, follow=True)
        self.assertContains(response, "Non publiés")
        self.assertContains(response, "« Pas prêt »")

    def test_editor_widget_ships_its_assets(self):
        """The rich-text editor is served from our static files, no CDN."""
        response = self.client.get(change_url(make_article()))
        self.assertContains(response, "/static/tinymce/tinymce.min.js")
        self.assertContains(response, "image-library")
        self.assertContains(response, "fr_FR")
        self.assertNotContains(response, "cdn.")
