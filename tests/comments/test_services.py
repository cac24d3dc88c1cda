from datetime import timedelta
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from comments import services
from comments.models import Comment, CommentIP
from comments.signals import comments_changed
from tests.factories import make_article

from .factories import make_comment


class ModerationServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.moderator = User.objects.create_user("modo", "modo@example.org", "x")

    def test_approve_reject_spam_record_who_and_when(self):
        for service, status in [
            (services.comment_approve, Comment.Status.APPROVED),
            (services.comment_reject, Comment.Status.REJECTED),
            (services.comment_mark_spam, Comment.Status.SPAM),
        ]:
            with self.subTest(status=status):
                comment = make_comment(self.article, status=Comment.Status.PENDING)
                service(comment=comment, moderator=self.moderator)
                comment.refresh_from_db()
                self.assertEqual(comment.status, status)
                self.assertEqual(comment.moderated_by, self.moderator)
                self.assertLess(
                    timezone.now() - comment.moderated_at, timedelta(minutes=1)
                )

    def test_bulk_moderation_counts_only_changes(self):
        pending = [
            make_comment(self.article, status=Comment.Status.PENDING) for _ in range(3)
        ]
        already = make_comment(self.article)
        changed = services.comments_moderate(
            comments=Comment.objects.filter(pk__in=[c.pk for c in [*pending, already]]),
            status=Comment.Status.APPROVED,
            moderator=self.moderator,
        )
        self.assertEqual(changed, 3)
        already.refresh_from_db()
        self.assertIsNone(already.moderated_by)

    def test_unknown_status_is_refused(self):
        with self.assertRaises(ValueError):
            services.comments_moderate(
                comments=[make_comment(self.article)], status="publié", moderator=None
            )

    def test_approval_announces_the_change_after_commit(self):
        """comments_changed tells the page cache which articles to purge."""
        received = []

        def listener(sender, article_ids, **kwargs):
            received.append(article_ids)

        comments_changed.connect(listener)
        self.addCleanup(comments_changed.disconnect, listener)
        comment = make_comment(self.article, status=Comment.Status.PENDING)
        with self.captureOnCommitCallbacks(execute=True):
            services.comment_approve(comment=comment, moderator=self.moderator)
        self.assertEqual(received, [{self.article.pk}])

    def test_newsroom_reply_approves_the_parent(self):
        parent = make_comment(self.article, status=Comment.Status.PENDING)
        reply = services.comment_reply_as_newsroom(
            parent=parent, body="Merci pour votre remarque.", moderator=self.moderator
        )
        parent.refresh_from_db()
        self.assertEqual(parent.status, Comment.Status.APPROVED)
        self.assertEqual(reply.status, Comment.Status.APPROVED)
        self.assertEqual(reply.parent, parent)
        self.assertTrue(reply.is_from_newsroom)
        self.assertEqual(reply.name, "La rédaction de Ô Magazine")

    def test_newsroom_reply_to_a_reply_stays_one_level(self):
        top = make_comment(self.article)
        child = make_comment(self.article, parent=top)
        reply = services.comment_reply_as_newsroom(
            parent=child, body="Précision.", moderator=self.moderator
        )
        self.assertEqual(reply.parent, top)

    def test_submit_refuses_a_closed_article_and_saves_nothing(self):
        closed = make_article(comments_open=False)
        with self.assertRaisesMessage(
            services.CommentRefused, "Les commentaires sont fermés."
        ):
            services.comment_submit(
                article=closed, name="A", email="a@example.org", body="Bonjour"
            )
        self.assertFalse(Comment.objects.exists())

    def test_submit_refuses_a_parent_of_another_article(self):
        foreign = make_comment(make_article())
        with self.assertRaises(services.CommentRefused):
            services.comment_submit(
                article=self.article,
                name="A",
                email="a@example.org",
                body="Bonjour",
                parent=foreign,
            )
        self.assertEqual(Comment.objects.count(), 1)


class IPTests(TestCase):
    def test_truncation(self):
        self.assertEqual(services.truncate_ip("192.0.2.201"), "192.0.2.0")
        self.assertEqual(
            services.truncate_ip("2001:db8:1234:5678::1"), "2001:db8:1234::"
        )
        for junk in [None, "", "300.1.1.1", "localhost", "1.2.3.4\x00"]:
            self.assertIsNone(services.truncate_ip(junk))

    def test_purge_command_erases_ips_older_than_a_year(self):
        article = make_article()
        old = make_comment(article)
        recent = make_comment(article)
        CommentIP.objects.create(comment=old, address="192.0.2.0")
        CommentIP.objects.create(comment=recent, address="192.0.2.0")
        CommentIP.objects.filter(comment=old).update(
            created_at=timezone.now() - timedelta(days=366)
        )
        out = StringIO()
        call_command("comments_purge_ips", stdout=out)
        self.assertIn("1 adresse(s) IP", out.getvalue())
        self.assertEqual(
            list(CommentIP.objects.values_list("comment", flat=True)), [recent.pk]
        )
        self.assertTrue(Comment.objects.filter(pk=old.pk).exists())


class CommenterDataTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.answered = make_comment(cls.article, email="Lea@example.org", name="Léa")
        cls.reply = make_comment(
            cls.article, parent=cls.answered, email="x@example.org"
        )
        cls.alone = make_comment(
            cls.article, email="lea@example.org", status=Comment.Status.PENDING
        )
        cls.other = make_comment(cls.article, email="autre@example.org")
        CommentIP.objects.create(comment=cls.answered, address="192.0.2.0")

    def test_export_has_every_comment_and_ip_of_the_address(self):
        data = services.commenter_export(email="lea@example.org")
        self.assertEqual(
            [c["id"] for c in data["comments"]], [self.answered.pk, self.alone.pk]
        )
        self.assertEqual(data["comments"][0]["ip_address"], "192.0.2.0")
        self.assertEqual(data["comments"][0]["article"], self.article.title)
        self.assertIsNone(data["comments"][1]["ip_address"])

    def test_erase_anonymises_answered_comments_and_deletes_the_others(self):
        result = services.commenter_erase(email="LEA@example.org")
        self.assertEqual(result, {"deleted": 1, "anonymised": 1})
        self.answered.refresh_from_db()
        self.assertEqual((self.answered.name, self.answered.email), ("Anonyme", ""))
        self.assertFalse(CommentIP.objects.exists())
        self.assertFalse(Comment.objects.filter(pk=self.alone.pk).exists())
        self.assertTrue(Comment.objects.filter(pk=self.reply.pk).exists())
        self.assertTrue(Comment.objects.filter(pk=self.other.pk).exists())
        self.assertEqual(
            services.commenter_export(email="lea@example.org")["comments"], []
        )

    def test_erase_with_empty_address_does_nothing(self):
        self.assertEqual(
            services.commenter_erase(email="  "), {"deleted": 0, "anonymised": 0}
        )
        self.assertEqual(Comment.objects.count(), 4)


class CommenterDataCommandTests(TestCase):
    def test_export_then_erase(self):
        article = make_article()
        make_comment(article, email="lea@example.org", body="Mon avis.")
        out = StringIO()
        call_command("comments_commenter_data", "lea@example.org", stdout=out)
        self.assertIn('"body": "Mon avis."', out.getvalue())
        call_command(
            "comments_commenter_data", "lea@example.org", "--erase", stdout=out
        )
        self.assertIn("1 commentaire(s) supprimé(s)", out.getvalue())
        self.assertFalse(Comment.objects.exists())

    def test_invalid_address(self):
        from django.core.management import CommandError

        with self.assertRaisesMessage(CommandError, "Adresse e-mail invalide"):
            call_command("comments_commenter_data", "pas-une-adresse")
