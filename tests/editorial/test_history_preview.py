"""Revisions (compare, restore), previews (staff, signed links) and the
corrections readers see."""

import re

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from reversion.models import Version

from articles import workflow
from articles.models import Article
from tests.editorial.helpers import PASSWORD, admin_form, change_url, make_user
from tests.factories import make_article, yesterday

Status = Article.Status


class RevisionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("Éditeur")
        cls.journalist = make_user("Journaliste")

    def setUp(self):
        self.client.login(username=self.editor.username, password=PASSWORD)
        self.article = make_article(title="Version un", body="<p>Premier texte.</p>")
        url = change_url(self.article)
        for title, body in [
            ("Version deux", "<p>Deuxième texte.</p>"),
            ("Version trois", "<p>Troisième texte.</p>"),
        ]:
            self.client.post(url, admin_form(self.client, url, title=title, body=body))
        self.versions = list(Version.objects.get_for_object(self.article))

    def test_every_save_keeps_a_version_with_its_author(self):
        """Two admin saves, plus the state the article had before the first."""
        self.assertEqual(len(self.versions), 3)
        self.assertEqual(self.versions[0].revision.user, self.editor)
        self.assertEqual(
            [v.field_dict["title"] for v in self.versions],
            ["Version trois", "Version deux", "Version un"],
        )

    def test_history_lists_versions(self):
        response = self.client.get(
            f"/admin/articles/article/{self.article.pk}/history/"
        )
        self.assertContains(response, "Restaurer cette version")
        self.assertContains(response, f"<td>{self.editor.username}</td>", count=2)
        self.assertContains(response, "avant la première modification")

    def test_compare_shows_the_differences(self):
        newer, older = self.versions[:2]
        response = self.client.get(
            f"/admin/articles/article/{self.article.pk}/versions/compare/",
            {"from": newer.pk, "to": older.pk},
        )
        self.assertContains(response, "<del>deux</del><ins>trois</ins>", html=False)
        self.assertContains(response, "<del>Deuxième</del><ins>Troisième</ins>")

    def test_compare_with_bad_ids_goes_back_with_a_message(self):
        response = self.client.get(
            f"/admin/articles/article/{self.article.pk}/versions/compare/",
            {"from": "abc"},
            follow=True,
        )
        self.assertContains(response, "Choisissez deux versions")

    def test_restore_the_state_before_the_first_edit(self):
        response = self.client.post(
            f"/admin/articles/article/{self.article.pk}/versions/"
            f"{self.versions[2].pk}/restore/"
        )
        self.assertRedirects(response, change_url(self.article))
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Version un")

    def test_restore_an_earlier_version(self):
        """The content comes back as a new version; the status stays."""
        older = self.versions[1]
        response = self.client.post(
            f"/admin/articles/article/{self.article.pk}/versions/{older.pk}/restore/"
        )
        self.assertRedirects(response, change_url(self.article))
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Version deux")
        self.assertEqual(self.article.body, "<p>Deuxième texte.</p>")
        self.assertEqual(self.article.status, Status.PUBLISHED)
        self.assertEqual(Version.objects.get_for_object(self.article).count(), 4)

    def test_journalist_cannot_restore_a_published_article(self):
        self.client.login(username=self.journalist.username, password=PASSWORD)
        response = self.client.post(
            f"/admin/articles/article/{self.article.pk}/versions/"
            f"{self.versions[1].pk}/restore/"
        )
        self.assertEqual(response.status_code, 403)
        self.article.refresh_from_db()
        self.assertEqual(self.article.title, "Version trois")


class PreviewTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = make_user("Éditeur")
        cls.draft = make_article(
            status=Status.DRAFT, published_at=None, title="Brouillon secret"
        )

    def test_draft_is_not_public(self):
        self.assertEqual(
            self.client.get(self.draft.get_absolute_url()).status_code, 404
        )

    def test_staff_preview_at_the_real_layout(self):
        self.client.login(username=self.editor.username, password=PASSWORD)
        response = self.client.get(f"/admin/articles/article/{self.draft.pk}/preview/")
        self.assertContains(
            response, '<h1 class="article__title">Brouillon secret</h1>'
        )
        self.assertContains(response, "les lecteurs ne voient pas cette page")
        self.assertContains(
            response, '<meta name="robots" content="noindex, nofollow">'
        )
        self.assertIn("no-cache", response["Cache-Control"])

    def test_staff_who_may_change_articles_see_a_draft_at_its_address(self):
        """The article page widens to drafts for them: a preview with its
        banner, never cached, never indexed; readers still get a 404."""
        self.client.login(username=self.editor.username, password=PASSWORD)
        response = self.client.get(self.draft.get_absolute_url())
        self.assertContains(
            response, '<h1 class="article__title">Brouillon secret</h1>'
        )
        self.assertContains(response, "les lecteurs ne voient pas cette page")
        self.assertIn("no-cache", response["Cache-Control"])
        self.assertIn("private", response["Cache-Control"])
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        self.client.logout()
        self.assertEqual(
            self.client.get(self.draft.get_absolute_url()).status_code, 404
        )
        moderator = make_user("Modérateur")
        self.client.login(username=moderator.username, password=PASSWORD)
        self.assertEqual(
            self.client.get(self.draft.get_absolute_url()).status_code, 404
        )

    def test_anonymous_cannot_use_the_staff_preview(self):
        response = self.client.get(f"/admin/articles/article/{self.draft.pk}/preview/")
        self.assertEqual(response.status_code, 302)

    def test_signed_link_for_someone_without_an_account(self):
        self.client.login(username=self.editor.username, password=PASSWORD)
        response = self.client.post(
            f"/admin/articles/article/{self.draft.pk}/preview-link/", follow=True
        )
        link = re.search(
            r"http://testserver(/apercu/[^\s<]+/)", response.content.decode()
        )
        self.assertIsNotNone(link)
        self.client.logout()
        response = self.client.get(link.group(1))
        self.assertContains(response, "Brouillon secret")
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")

    def test_forged_link_is_404(self):
        token = workflow.preview_token(self.draft)
        self.assertEqual(self.client.get(f"/apercu/{token}x/").status_code, 404)
        other = token.replace(str(self.draft.pk), str(self.draft.pk + 1), 1)
        self.assertEqual(self.client.get(f"/apercu/{other}/").status_code, 404)

    @override_settings(ARTICLE_PREVIEW_LINK_MAX_AGE=-1)
    def test_expired_link_says_so(self):
        response = self.client.get(workflow.preview_url(self.draft))
        self.assertContains(response, "Ce lien d&#x27;aperçu a expiré", status_code=410)


@override_settings(PAGE_CACHE_ENABLED=False)
class CorrectionDisplayTests(TestCase):
    def test_readers_see_corrections_under_the_article(self):
        editor = make_user("Éditeur")
        article = make_article(published_at=yesterday())
        workflow.correction_add(
            article=article, user=editor, text="Le chiffre exact est 12 %."
        )
        workflow.correction_add(
            article=article,
            user=editor,
            text="Le rapport date de 2025.",
            kind="clarification",
        )
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Correction du")
        self.assertContains(response, "Le chiffre exact est 12 %.")
        self.assertContains(response, "Précision du")
        self.assertContains(response, "Mis à jour le")

    def test_no_correction_block_without_corrections(self):
        response = self.client.get(make_article().get_absolute_url())
        self.assertNotContains(response, "article__corrections")

    def test_corrections_cost_one_query_however_many(self):
        editor = make_user("Éditeur")
        article = make_article(published_at=yesterday())
        workflow.correction_add(article=article, user=editor, text="Première.")
        with CaptureQueriesContext(connection) as one:
            self.client.get(article.get_absolute_url())
        for n in range(4):
            workflow.correction_add(article=article, user=editor, text=f"Autre {n}.")
        with self.assertNumQueries(len(one)):
            response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Autre 3.")
