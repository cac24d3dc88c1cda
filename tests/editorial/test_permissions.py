"""The permission matrix: for each role and each action, allowed or refused,
through the service layer, through the admin, and through forged POSTs."""

import re

from django.core.exceptions import PermissionDenied
from django.test import TestCase

from articles import workflow
from articles.models import Article, Correction, Section
from tests.editorial.helpers import (
    PASSWORD,
    admin_form,
    change_url,
    draft_of,
    make_user,
)
from tests.factories import make_article, make_section, tomorrow, yesterday

Status = Article.Status


class ServicePermissionMatrixTests(TestCase):
    """Who may run which workflow step (the service layer decides)."""

    @classmethod
    def setUpTestData(cls):
        cls.journalist = make_user("Journaliste")
        cls.colleague = make_user("Journaliste")
        cls.editor = make_user("Éditeur")
        cls.moderator = make_user("Modérateur")

    def attempt(self, user, action, article):
        calls = {
            "submit": lambda: workflow.article_submit(article=article, user=user),
            "publish": lambda: workflow.article_publish(article=article, user=user),
            "schedule": lambda: workflow.article_schedule(
                article=article, user=user, at=tomorrow()
            ),
            "unpublish": lambda: workflow.article_unpublish(article=article, user=user),
            "send_back": lambda: workflow.article_send_back(
                article=article, user=user, note="À revoir."
            ),
            "correct": lambda: workflow.correction_add(
                article=article, user=user, text="Précision."
            ),
        }
        try:
            calls[action]()
        except PermissionDenied:
            return False
        return True

    def article_for(self, action):
        if action in ("submit",):
            return draft_of(self.journalist)
        if action in ("publish", "schedule", "send_back"):
            article = draft_of(self.journalist)
            workflow.article_submit(article=article, user=self.journalist)
            return article
        return make_article(published_at=yesterday(), created_by=self.journalist)

    # role → actions allowed; every other action is refused.
    MATRIX = {
        "journalist": {"submit"},
        "colleague": set(),
        "editor": {
            "submit",
            "publish",
            "schedule",
            "unpublish",
            "send_back",
            "correct",
        },
        "moderator": set(),
    }

    def test_matrix(self):
        for role, allowed in self.MATRIX.items():
            user = getattr(self, role)
            for action in ["submit", "publish", "schedule", "unpublish", "send_back",
                           "correct"]:  # fmt: skip
                with self.subTest(role=role, action=action):
                    article = self.article_for(action)
                    before = article.status
                    self.assertEqual(
                        self.attempt(user, action, article), action in allowed
                    )
                    if action not in allowed:
                        article.refresh_from_db()
                        self.assertEqual(article.status, before)

    def test_can_edit(self):
        """Journalists edit only their own drafts; editors edit anything."""
        own_draft = draft_of(self.journalist)
        submitted = draft_of(self.journalist)
        workflow.article_submit(article=submitted, user=self.journalist)
        published = make_article(created_by=self.journalist)
        cases = [
            (self.journalist, own_draft, True),
            (self.journalist, submitted, False),
            (self.journalist, published, False),
            (self.colleague, own_draft, False),
            (self.editor, own_draft, True),
            (self.editor, submitted, True),
            (self.editor, published, True),
            (self.moderator, own_draft, False),
        ]
        for user, article, expected in cases:
            with self.subTest(user=user.username, article=article.title):
                self.assertIs(workflow.can_edit(user, article), expected)

    def test_journalist_owns_by_byline(self):
        """A draft a journalist signs is theirs even if someone else started it."""
        article = make_article(
            status=Status.DRAFT, published_at=None, authors=[self.journalist.author]
        )
        self.assertTrue(workflow.can_edit(self.journalist, article))


class AdminPermissionMatrixTests(TestCase):
    """The same rules through the admin, including forged POSTs."""

    @classmethod
    def setUpTestData(cls):
        cls.journalist = make_user("Journaliste")
        cls.colleague = make_user("Journaliste")
        cls.editor = make_user("Éditeur")
        cls.moderator = make_user("Modérateur")
        cls.section = make_section()

    def login(self, user):
        self.client.logout()
        self.assertTrue(self.client.login(username=user.username, password=PASSWORD))

    def test_pages_per_role(self):
        """(role, page) → HTTP status of a GET."""
        own = draft_of(self.journalist, section=self.section)
        published = make_article(section=self.section)
        pages = {
            "changelist": "/admin/articles/article/",
            "add": "/admin/articles/article/add/",
            "own draft": change_url(own),
            "published": change_url(published),
            "history": f"/admin/articles/article/{published.pk}/history/",
            "preview": f"/admin/articles/article/{own.pk}/preview/",
            "section add": "/admin/articles/section/add/",
            "tag add": "/admin/articles/tag/add/",
            "author add": "/admin/articles/author/add/",
        }
        expected = {
            self.journalist: {"section add": 403, "tag add": 403, "author add": 403},
            self.editor: {},
            self.moderator: dict.fromkeys(pages, 403),
        }
        for user, refusals in expected.items():
            self.login(user)
            for name, url in pages.items():
                with self.subTest(user=user.username, page=name):
                    response = self.client.get(url)
                    self.assertEqual(response.status_code, refusals.get(name, 200))

    def test_buttons_per_role(self):
        """Each role sees the workflow buttons it may use, and no others."""
        own = draft_of(self.journalist, section=self.section)
        submitted = draft_of(self.journalist, section=self.section)
        workflow.article_submit(article=submitted, user=self.journalist)
        cases = [
            (self.journalist, own, ["submit"]),
            (self.journalist, submitted, []),
            (self.editor, own, ["submit", "publish", "schedule"]),
            (self.editor, submitted, ["publish", "schedule", "send_back"]),
        ]
        for user, article, buttons in cases:
            self.login(user)
            with self.subTest(user=user.username, article=article.status):
                html = self.client.get(change_url(article)).content.decode()
                for action in workflow.ACTION_LABELS:
                    marker = f'name="workflow_action" value="{action}"'
                    self.assertEqual(marker in html, action in buttons, action)

    def test_journalist_submits_own_draft(self):
        article = draft_of(self.journalist, section=self.section)
        self.login(self.journalist)
        data = admin_form(self.client, change_url(article), workflow_action="submit")
        response = self.client.post(change_url(article), data)
        self.assertRedirects(response, change_url(article))
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)

    def test_forged_publish_by_journalist_is_403(self):
        """A journalist adding workflow_action=publish to their own form gets a
        403, and nothing of the post is saved."""
        article = draft_of(self.journalist, section=self.section)
        self.login(self.journalist)
        for action in ["publish", "schedule", "unpublish", "send_back"]:
            with self.subTest(action=action):
                data = admin_form(
                    self.client,
                    change_url(article),
                    title="Titre forgé",
                    workflow_action=action,
                    workflow_note="x",
                )
                response = self.client.post(change_url(article), data)
                self.assertEqual(response.status_code, 403)
                article.refresh_from_db()
                self.assertEqual(article.status, Status.DRAFT)
                self.assertNotEqual(article.title, "Titre forgé")

    def test_forged_status_field_is_ignored(self):
        """status is not a form field: posting it changes nothing."""
        article = draft_of(self.journalist, section=self.section)
        self.login(self.journalist)
        data = admin_form(
            self.client,
            change_url(article),
            status="published",
            published_at_0="01/01/2020",
        )
        self.client.post(change_url(article), data)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)
        self.assertIsNone(article.published_at)

    def test_journalist_cannot_edit_submitted_or_others(self):
        own_submitted = draft_of(self.journalist, section=self.section)
        workflow.article_submit(article=own_submitted, user=self.journalist)
        colleague_draft = draft_of(self.colleague, section=self.section)
        published = make_article(section=self.section, created_by=self.journalist)
        self.login(self.editor)
        forms = {a.pk: admin_form(self.client, change_url(a), title="Modifié")
                 for a in (own_submitted, colleague_draft, published)}  # fmt: skip
        self.login(self.journalist)
        for article in (own_submitted, colleague_draft, published):
            with self.subTest(article=article.title):
                title = article.title
                response = self.client.post(change_url(article), forms[article.pk])
                self.assertEqual(response.status_code, 403)
                article.refresh_from_db()
                self.assertEqual(article.title, title)

    def test_editor_publishes_schedules_unpublishes_sends_back(self):
        article = draft_of(self.journalist, section=self.section)
        workflow.article_submit(article=article, user=self.journalist)
        self.login(self.editor)
        url = change_url(article)
        self.client.post(
            url,
            admin_form(
                self.client,
                url,
                workflow_action="schedule",
                published_at_0="01/01/2099",
                published_at_1="08:00:00",
            ),
        )
        article.refresh_from_db()
        self.assertTrue(article.is_scheduled())
        self.client.post(url, admin_form(self.client, url, workflow_action="publish"))
        article.refresh_from_db()
        self.assertTrue(article.is_published())
        self.client.post(url, admin_form(self.client, url, workflow_action="unpublish"))
        article.refresh_from_db()
        self.assertEqual(article.status, Status.UNPUBLISHED)
        self.client.post(
            url,
            admin_form(
                self.client, url, workflow_action="send_back", workflow_note="Sources ?"
            ),
        )
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)

    def test_add_page_buttons(self):
        """A journalist may only submit a new article; an editor may also
        publish or schedule it straight away."""
        for user, buttons in [
            (self.journalist, ["submit"]),
            (self.editor, ["submit", "publish", "schedule"]),
        ]:
            self.login(user)
            html = self.client.get("/admin/articles/article/add/").content.decode()
            with self.subTest(user=user.username):
                found = re.findall(r'name="workflow_action" value="(\w+)"', html)
                self.assertEqual(found, buttons)

    def test_editor_publishes_a_new_article_at_once(self):
        self.login(self.editor)
        data = admin_form(
            self.client,
            "/admin/articles/article/add/",
            title="Dernière minute",
            section=str(self.section.pk),
            body="<p>Texte.</p>",
            workflow_action="publish",
        )
        data["bylines-TOTAL_FORMS"] = data["related_links-TOTAL_FORMS"] = "0"
        response = self.client.post("/admin/articles/article/add/", data)
        article = Article.objects.get(title="Dernière minute")
        self.assertRedirects(response, change_url(article))
        self.assertTrue(article.is_published())
        self.assertEqual(article.authors_in_order(), [self.editor.author])
        self.assertEqual(
            list(article.transitions.values_list("from_status", "to_status")),
            [(Status.DRAFT, Status.PUBLISHED)],
        )

    def test_author_sees_the_send_back_note(self):
        article = draft_of(self.journalist, section=self.section)
        workflow.article_submit(article=article, user=self.journalist)
        workflow.article_send_back(
            article=article, user=self.editor, note="Il manque la source du chiffre."
        )
        self.login(self.journalist)
        response = self.client.get(change_url(article))
        self.assertContains(response, "Il manque la source du chiffre.")
        self.assertContains(response, "Renvoyé par")

    def test_schedule_in_the_past_is_a_form_error(self):
        """Nothing is lost: the form comes back with the error and the text."""
        article = draft_of(self.journalist, section=self.section)
        self.login(self.editor)
        url = change_url(article)
        data = admin_form(
            self.client,
            url,
            title="Nouveau titre tapé",
            workflow_action="schedule",
            published_at_0="01/01/2001",
            published_at_1="08:00:00",
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "dans le futur")
        self.assertContains(response, "Nouveau titre tapé")
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)

    def test_preview_link_is_for_editors(self):
        article = draft_of(self.journalist, section=self.section)
        url = f"/admin/articles/article/{article.pk}/preview-link/"
        self.login(self.journalist)
        self.assertEqual(self.client.post(url).status_code, 403)
        self.login(self.editor)
        self.assertRedirects(self.client.post(url), change_url(article))

    def test_corrections_inline_for_editors_only(self):
        article = make_article(section=self.section, created_by=self.journalist)
        self.login(self.editor)
        url = change_url(article)
        data = admin_form(
            self.client,
            url,
            **{
                "corrections-TOTAL_FORMS": "1",
                "corrections-0-kind": "correction",
                "corrections-0-text": "Le ministre s'appelle Dupont.",
                "corrections-0-created_at_0": "",
                "corrections-0-created_at_1": "",
            },
        )
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)  # date is required
        data["corrections-0-created_at_0"] = "20/11/2026"
        data["corrections-0-created_at_1"] = "10:00:00"
        response = self.client.post(url, data)
        self.assertRedirects(response, "/admin/articles/article/")
        correction = Correction.objects.get()
        self.assertEqual(correction.created_by, self.editor)
        article.refresh_from_db()
        self.assertEqual(article.updated_at, correction.created_at)

    def test_journalist_cannot_manage_sections(self):
        self.login(self.journalist)
        response = self.client.post(
            "/admin/articles/section/add/", {"name": "Piratée", "slug": "piratee"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Section.objects.filter(slug="piratee").exists())


class RoleGroupsTests(TestCase):
    def test_data_migration_made_the_roles(self):
        """The three newsroom groups exist with their article permissions;
        Modérateur has none (the comments app gives it its own)."""
        from django.contrib.auth.models import Group

        perms = {
            group.name: set(
                group.permissions.filter(
                    content_type__app_label="articles"
                ).values_list("codename", flat=True)
            )
            for group in Group.objects.filter(
                name__in=["Journaliste", "Éditeur", "Modérateur"]
            )
        }
        self.assertEqual(set(perms), {"Journaliste", "Éditeur", "Modérateur"})
        self.assertEqual(perms["Modérateur"], set())
        self.assertIn("add_article", perms["Journaliste"])
        self.assertNotIn("publish_article", perms["Journaliste"])
        self.assertNotIn("edit_any_article", perms["Journaliste"])
        self.assertNotIn("add_section", perms["Journaliste"])
        self.assertTrue(
            {
                "publish_article",
                "edit_any_article",
                "add_section",
                "change_tag",
                "add_correction",
                "delete_article",
            }
            <= perms["Éditeur"]  # fmt: skip
        )
