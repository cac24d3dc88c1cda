from datetime import timedelta

from django.core import mail, signing
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from articles.models import Article
from comments.forms import TOKEN_SALT
from comments.models import Comment, CommentIP
from tests.factories import make_article, now, tomorrow

from .factories import form_token, make_comment, post_data

PENDING_MESSAGE = "Merci ! Votre commentaire est en attente de modération."


def post_url(article):
    return reverse("comments:post", kwargs={"slug": article.slug})


def state_url(article):
    return reverse("comments:state", kwargs={"slug": article.slug})


class PostingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()

    def post(self, client=None, **overrides):
        return (client or self.client).post(
            post_url(self.article),
            post_data(self.article, **overrides),
            REMOTE_ADDR="203.0.113.57",
        )

    def test_post_redirect_get_with_pending_message(self):
        """A valid comment is held, the reader is sent back to the article's
        comments and the state endpoint gives them the French message."""
        response = self.post(body="Très bon article.")
        self.assertRedirects(
            response,
            self.article.get_absolute_url() + "#commentaires",
            fetch_redirect_response=False,
        )
        comment = Comment.objects.get()
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.assertEqual(comment.held_reason, "Pré-modération.")
        self.assertEqual(comment.body, "Très bon article.")
        state = self.client.get(state_url(self.article)).json()
        self.assertEqual(state["messages"], [PENDING_MESSAGE])
        # A message is shown once.
        self.assertEqual(
            self.client.get(state_url(self.article)).json()["messages"], []
        )

    def test_own_pending_comment_is_shown_to_its_author_only(self):
        """The author's state has their pending comment, marked as pending;
        another reader's state and the shared page HTML do not."""
        self.post(body="Mon avis en attente.")
        mine = self.client.get(state_url(self.article)).json()["pending"]
        self.assertEqual(len(mine), 1)
        self.assertIn("Mon avis en attente.", mine[0]["html"])
        self.assertIn("en attente de modération", mine[0]["html"])
        other = Client().get(state_url(self.article)).json()
        self.assertEqual(other["pending"], [])
        page = self.client.get(self.article.get_absolute_url())
        self.assertNotContains(page, "Mon avis en attente.")

    def test_article_page_is_the_same_for_every_reader(self):
        """No CSRF token, form token or message in the comment block: those come
        from the never-cached state endpoint."""
        self.post()
        first = self.client.get(self.article.get_absolute_url()).content.decode()
        second = Client().get(self.article.get_absolute_url()).content.decode()
        block = first[first.index('id="commentaires"') : first.index("</section>")]
        self.assertEqual(
            block,
            second[second.index('id="commentaires"') : second.index("</section>")],
        )
        self.assertNotIn("csrfmiddlewaretoken", block)
        self.assertNotIn(PENDING_MESSAGE, block)
        state = self.client.get(state_url(self.article))
        self.assertIn("no-cache", state["Cache-Control"])
        self.assertIn("private", state["Cache-Control"])
        self.assertTrue(state.json()["csrf_token"])
        self.assertTrue(state.json()["form_token"])

    def test_csrf_is_enforced(self):
        """A post without the CSRF token is refused (403)."""
        client = Client(enforce_csrf_checks=True)
        response = self.post(client)
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Comment.objects.exists())

    def test_csrf_token_from_state_endpoint_works(self):
        client = Client(enforce_csrf_checks=True)
        state = client.get(state_url(self.article)).json()
        response = client.post(
            post_url(self.article),
            post_data(
                self.article,
                csrfmiddlewaretoken=state["csrf_token"],
            ),
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.count(), 1)

    def test_errors_keep_what_the_reader_typed(self):
        """A refused comment re-shows the form with a French error, the text
        typed and a fresh token; nothing is saved."""
        response = self.post(email="pas-une-adresse", body="Mon long texte.")
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Cette adresse e-mail n&#x27;est pas valide.", status_code=400
        )
        self.assertContains(response, "Mon long texte.", status_code=400)
        self.assertContains(response, 'name="csrfmiddlewaretoken"', status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_required_fields(self):
        response = self.post(name="  ", email="", body="\n\n")
        self.assertContains(response, "Indiquez votre nom.", status_code=400)
        self.assertContains(response, "Indiquez votre adresse e-mail.", status_code=400)
        self.assertContains(response, "Écrivez votre commentaire.", status_code=400)

    def test_honeypot(self):
        """A filled honeypot is refused and nothing is saved."""
        response = self.post(website="http://spam.example")
        self.assertContains(response, "envoi automatique", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_too_fast(self):
        response = self.post(token=form_token(self.article, age=0))
        self.assertContains(response, "Envoyé trop vite", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_too_old(self):
        response = self.post(token=form_token(self.article, age=7 * 3600))
        self.assertContains(response, "Le formulaire a expiré", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_forged_or_foreign_token(self):
        """A token that is not signed, or signed for another article, fails."""
        other = make_article()
        for token in [
            "",
            "n'importe quoi",
            form_token(other),
            signing.dumps({"a": self.article.pk, "t": "hier"}, salt=TOKEN_SALT),
            signing.dumps({"a": self.article.pk, "t": 1}, salt="autre"),
        ]:
            with self.subTest(token=token):
                response = self.post(token=token)
                self.assertContains(response, "Le formulaire a expiré", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_maximum_length(self):
        response = self.post(body="a" * 5001)
        self.assertContains(response, "5000", status_code=400)
        self.assertFalse(Comment.objects.exists())

    def test_control_characters_are_removed(self):
        """Control characters are dropped; paragraphs are kept."""
        self.post(name="Zoé\x07\nMartin", body="Premier\x1b[31m\r\n\r\n\r\n\r\nSecond")
        comment = Comment.objects.get()
        self.assertEqual(comment.name, "Zoé Martin")
        self.assertEqual(comment.body, "Premier[31m\n\nSecond")

    def test_nul_character_is_a_form_error(self):
        response = self.post(body="a\x00b")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Comment.objects.exists())

    def test_draft_and_scheduled_articles_take_no_comments(self):
        for article in [
            make_article(status=Article.Status.DRAFT, published_at=None),
            make_article(published_at=tomorrow()),
        ]:
            with self.subTest(article=article.status):
                response = self.client.post(post_url(article), post_data(article))
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Comment.objects.exists())

    def test_closed_article(self):
        """Closed comments: no form on the page, and a post is refused."""
        closed = make_article(comments_open=False)
        page = self.client.get(closed.get_absolute_url())
        self.assertContains(page, "Les commentaires sont fermés.")
        self.assertNotContains(page, '<form class="comment-form"')
        response = self.client.post(post_url(closed), post_data(closed))
        self.assertContains(response, "Les commentaires sont fermés.", status_code=403)
        self.assertFalse(Comment.objects.exists())

    @override_settings(COMMENTS_CLOSE_AFTER_DAYS=14)
    def test_comments_close_after_n_days(self):
        old = make_article(published_at=now() - timedelta(days=15))
        recent = make_article(published_at=now() - timedelta(days=13))
        self.assertContains(
            self.client.get(old.get_absolute_url()), "Les commentaires sont fermés."
        )
        self.assertEqual(
            self.client.post(post_url(old), post_data(old)).status_code, 403
        )
        self.assertEqual(
            self.client.post(post_url(recent), post_data(recent)).status_code, 302
        )

    def test_reply_to_an_approved_comment(self):
        parent = make_comment(self.article)
        response = self.post(parent=str(parent.pk))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(Comment.objects.get(parent=parent).article, self.article)

    def test_reply_must_target_a_visible_top_level_comment_of_this_article(self):
        """Replies to another article's comment, to a reply, to a pending
        comment or to nothing are form errors."""
        foreign = make_comment(make_article())
        top = make_comment(self.article)
        reply = make_comment(self.article, parent=top)
        pending = make_comment(self.article, status=Comment.Status.PENDING)
        for parent in [foreign.pk, reply.pk, pending.pk, 999999, "abc", "-1"]:
            with self.subTest(parent=parent):
                response = self.post(parent=str(parent))
                self.assertEqual(response.status_code, 400)
        self.assertEqual(Comment.objects.count(), 4)

    def test_ip_is_truncated_and_kept_apart(self):
        self.post()
        comment = Comment.objects.get()
        self.assertEqual(CommentIP.objects.get(comment=comment).address, "203.0.113.0")

    @override_settings(COMMENTS_TRUSTED_PROXIES=1)
    def test_ip_from_trusted_proxy(self):
        self.client.post(
            post_url(self.article),
            post_data(self.article),
            HTTP_X_FORWARDED_FOR="garbage, 198.51.100.23",
        )
        self.assertEqual(CommentIP.objects.get().address, "198.51.100.0")

    @override_settings(COMMENTS_TRUSTED_PROXIES=1)
    def test_unparsable_forwarded_for_keeps_no_ip(self):
        self.client.post(
            post_url(self.article),
            post_data(self.article),
            HTTP_X_FORWARDED_FOR="pas une ip",
        )
        self.assertEqual(Comment.objects.count(), 1)
        self.assertFalse(CommentIP.objects.exists())

    @override_settings(COMMENTS_RATE_LIMITS={"ip": (2, 600), "email": (50, 600)})
    def test_rate_limit_per_ip(self):
        """Over the limit, the reader gets a 429 with a French message."""
        for _ in range(2):
            self.assertEqual(self.post().status_code, 302)
        response = self.post(body="Le troisième.")
        self.assertContains(
            response, "Réessayez dans quelques minutes", status_code=429
        )
        self.assertContains(response, "Le troisième.", status_code=429)
        self.assertEqual(Comment.objects.count(), 2)

    @override_settings(COMMENTS_RATE_LIMITS={"ip": (50, 600), "email": (1, 600)})
    def test_rate_limit_per_email(self):
        self.assertEqual(self.post(email="Lea@example.org").status_code, 302)
        response = self.post(email="lea@EXAMPLE.org")
        self.assertContains(response, "cette adresse e-mail", status_code=429)

    def test_duplicate(self):
        self.post(email="dup@example.org", body="Deux fois la même chose.")
        response = self.post(email="dup@example.org", body="Deux fois la même chose.")
        self.assertContains(response, "déjà envoyé ce commentaire", status_code=400)
        self.assertEqual(Comment.objects.count(), 1)

    def test_get_on_post_endpoint(self):
        self.assertEqual(self.client.get(post_url(self.article)).status_code, 405)

    def test_moderators_are_emailed_once_per_period(self):
        """Held comments send one e-mail to moderators per period, not one per
        comment."""
        from django.contrib.auth.models import Group, User

        moderator = User.objects.create_user(
            "modo", "modo@example.org", "x", is_staff=True
        )
        moderator.groups.add(Group.objects.get(name="Modérateur"))
        User.objects.create_user("lecteur", "lecteur@example.org", "x")
        with self.captureOnCommitCallbacks(execute=True):
            self.post()
        with self.captureOnCommitCallbacks(execute=True):
            self.post()
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["modo@example.org"])
        self.assertIn("1 commentaire en attente", mail.outbox[0].subject)


class FormPageTests(TestCase):
    """The form on a page of its own: for readers without JavaScript."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.parent = make_comment(cls.article, name="Hélène", body="Je m'interroge.")

    def test_form_page_has_its_tokens_and_is_not_cached(self):
        response = self.client.get(
            reverse("comments:form", kwargs={"slug": self.article.slug})
        )
        self.assertContains(response, 'name="csrfmiddlewaretoken"')
        self.assertContains(response, 'name="token" value="')
        self.assertIn("no-cache", response["Cache-Control"])

    def test_reply_link_prefills_parent(self):
        response = self.client.get(
            reverse("comments:form", kwargs={"slug": self.article.slug}),
            {"parent": self.parent.pk},
        )
        self.assertContains(response, "En réponse à Hélène")
        self.assertContains(response, f'name="parent" value="{self.parent.pk}"')

    def test_bad_parent_in_query_is_ignored(self):
        for value in ["x", "²", "9" * 40, "-3"]:
            response = self.client.get(
                reverse("comments:form", kwargs={"slug": self.article.slug}),
                {"parent": value},
            )
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, "En réponse à")

    def test_no_javascript_journey(self):
        """Posting from the form page comes back to it with the message and the
        reader's pending comment."""
        response = self.client.post(
            post_url(self.article),
            post_data(self.article, body="Sans JavaScript.", **{"from": "form"}),
            follow=True,
        )
        self.assertRedirects(
            response, reverse("comments:form", kwargs={"slug": self.article.slug})
        )
        self.assertContains(response, PENDING_MESSAGE)
        self.assertContains(response, "Sans JavaScript.")
        self.assertContains(response, "vous seul le voyez")

    def test_unknown_article(self):
        response = self.client.get(reverse("comments:form", kwargs={"slug": "inconnu"}))
        self.assertEqual(response.status_code, 404)
