import json

from django.contrib.auth.models import Group, Permission, User
from django.test import TestCase
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_article

from .factories import make_comment

CHANGELIST = reverse("admin:comments_comment_changelist")
DATA_VIEW = reverse("admin:comments_comment_commenter_data")


class ModerationQueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article(title="Le sujet du jour")
        cls.moderator = User.objects.create_user(
            "modo", "modo@example.org", "x", is_staff=True
        )
        cls.moderator.groups.add(Group.objects.get(name="Modérateur"))
        cls.viewer = User.objects.create_user("lecteur", password="x", is_staff=True)
        cls.viewer.user_permissions.add(
            Permission.objects.get(codename="view_comment"),
            Permission.objects.get(codename="change_comment"),
        )
        cls.approved = make_comment(cls.article, body="Déjà publié.")
        cls.pending = [
            make_comment(
                cls.article,
                status=Comment.Status.PENDING,
                body=f"En attente {n}.",
                held_reason="Contient 2 liens.",
            )
            for n in range(3)
        ]

    def test_group_has_comment_permissions_only(self):
        perms = Group.objects.get(name="Modérateur").permissions.all()
        self.assertEqual({p.content_type.app_label for p in perms}, {"comments"})
        self.assertIn("moderate_comment", {p.codename for p in perms})
        self.client.force_login(self.moderator)
        self.assertEqual(
            self.client.get(reverse("admin:articles_article_changelist")).status_code,
            403,
        )

    def test_queue_shows_pending_first_with_reason_and_in_fixed_queries(self):
        self.client.force_login(self.moderator)
        response = self.client.get(CHANGELIST)
        self.assertContains(response, "Contient 2 liens.")
        self.assertContains(response, "Le sujet du jour")
        content = response.content.decode()
        self.assertLess(content.index("En attente 0."), content.index("Déjà publié."))
        for n in range(10):
            make_comment(
                make_article(), status=Comment.Status.PENDING, body=f"Encore {n}"
            )
        with self.assertNumQueries(9):
            self.client.get(CHANGELIST)

    def act(self, action, comments):
        return self.client.post(
            CHANGELIST,
            {"action": action, "_selected_action": [c.pk for c in comments]},
            follow=True,
        )

    def test_bulk_actions(self):
        self.client.force_login(self.moderator)
        first, second, third = self.pending
        response = self.act("approve", [first, second])
        self.assertContains(response, "2 commentaires approuvés.")
        self.act("reject", [third])
        self.act("mark_spam", [second])
        statuses = dict(Comment.objects.values_list("pk", "status"))
        self.assertEqual(statuses[first.pk], "approved")
        self.assertEqual(statuses[second.pk], "spam")
        self.assertEqual(statuses[third.pk], "rejected")
        first.refresh_from_db()
        self.assertEqual(first.moderated_by, self.moderator)

    def test_actions_need_the_moderate_permission(self):
        self.client.force_login(self.viewer)
        response = self.client.get(CHANGELIST)
        self.assertNotContains(response, 'value="approve"')
        self.act("approve", self.pending)
        self.assertEqual(Comment.objects.pending().count(), 3)

    def test_status_cannot_be_edited_in_the_form(self):
        self.client.force_login(self.moderator)
        url = reverse("admin:comments_comment_change", args=[self.pending[0].pk])
        self.client.post(
            url,
            {"name": "X", "body": "Texte", "status": "approved", "newsroom_reply": ""},
        )
        self.pending[0].refresh_from_db()
        self.assertEqual(self.pending[0].status, Comment.Status.PENDING)

    def test_reply_as_the_newsroom(self):
        self.client.force_login(self.moderator)
        parent = self.pending[0]
        url = reverse("admin:comments_comment_change", args=[parent.pk])
        response = self.client.post(
            url,
            {"name": parent.name, "body": parent.body, "newsroom_reply": "Merci !"},
            follow=True,
        )
        self.assertContains(response, "Réponse de la rédaction publiée.")
        reply = Comment.objects.get(parent=parent)
        self.assertEqual(reply.staff_author, self.moderator)
        self.assertEqual(reply.status, Comment.Status.APPROVED)
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "Merci !")
        self.assertContains(page, "comment--newsroom")

    def test_moderators_cannot_add_comments_from_the_admin(self):
        self.client.force_login(self.moderator)
        self.assertEqual(
            self.client.get(reverse("admin:comments_comment_add")).status_code, 403
        )


class CommenterDataAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.moderator = User.objects.create_user(
            "modo", "modo@example.org", "x", is_staff=True
        )
        cls.moderator.groups.add(Group.objects.get(name="Modérateur"))
        cls.comment = make_comment(
            cls.article, email="lea@example.org", body="Mon avis."
        )

    def test_export_as_json(self):
        self.client.force_login(self.moderator)
        response = self.client.get(
            DATA_VIEW, {"email": "lea@example.org", "export": "1"}
        )
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertIn("attachment", response["Content-Disposition"])
        data = json.loads(response.content)
        self.assertEqual(data["comments"][0]["body"], "Mon avis.")

    def test_search_then_erase(self):
        self.client.force_login(self.moderator)
        response = self.client.get(DATA_VIEW, {"email": "lea@example.org"})
        self.assertContains(response, "1 commentaire avec lea@example.org")
        response = self.client.post(
            DATA_VIEW, {"email": "lea@example.org", "erase": "1"}, follow=True
        )
        self.assertContains(response, "Données effacées : 1 commentaire supprimé, ")
        self.assertFalse(Comment.objects.exists())

    def test_invalid_email_is_a_form_error(self):
        self.client.force_login(self.moderator)
        response = self.client.get(DATA_VIEW, {"email": "pas une adresse"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "errorlist")

    def test_staff_without_permission_is_refused(self):
        self.client.force_login(
            User.objects.create_user("stagiaire", password="x", is_staff=True)
        )
        self.assertEqual(self.client.get(DATA_VIEW).status_code, 403)
        self.client.post(DATA_VIEW, {"email": "lea@example.org", "erase": "1"})
        self.assertTrue(Comment.objects.exists())


class ModerationWordAdminTests(TestCase):
    def test_word_lists_are_editable_by_moderators_in_fixed_queries(self):
        from comments.models import ModerationWord

        moderator = User.objects.create_user("modo", password="x", is_staff=True)
        moderator.groups.add(Group.objects.get(name="Modérateur"))
        self.client.force_login(moderator)
        url = reverse("admin:comments_moderationword_add")
        self.client.post(url, {"word": "arnaque", "kind": "hold"})
        for n in range(5):
            ModerationWord.objects.create(word=f"mot{n}", kind="ban")
        with self.assertNumQueries(7):
            response = self.client.get(
                reverse("admin:comments_moderationword_changelist")
            )
        self.assertContains(response, "arnaque")
