from datetime import UTC, datetime

from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import TestCase, override_settings
from django.utils import translation

from comments.models import Comment
from comments.templatetags.comments import comment_text
from tests.factories import make_article, make_author, make_tag

from .factories import make_comment


class CommentTextTests(TestCase):
    def test_plain_text_is_escaped_with_paragraphs_and_links(self):
        """HTML is escaped, blank lines make paragraphs, line breaks stay, and
        URLs become links that pass no ranking."""
        html = comment_text(
            '<script>alert("x")</script>\nligne 2\n\n'
            "Voir https://example.org/a?b=1&c=2 et www.example.com."
        )
        self.assertIn(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>ligne 2", html
        )
        self.assertEqual(html.count("<p>"), 2)
        self.assertIn(
            '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow ugc noopener">',
            html,
        )
        self.assertIn(
            '<a href="https://www.example.com" rel="nofollow ugc noopener">', html
        )

    def test_attribute_text_cannot_become_an_attribute(self):
        html = comment_text('rel="nofollow" onmouseover="x"')
        self.assertNotIn('rel="nofollow ugc', html)
        self.assertNotIn('"', html.replace("<p>", "").replace("</p>", ""))


class StoredCommentHtmlTests(TestCase):
    """The text's HTML is made once on save, not on every page render."""

    def test_saved_with_the_comment_and_remade_when_the_text_changes(self):
        comment = make_comment(make_article(), body="Voir https://example.org")
        comment.refresh_from_db()
        self.assertEqual(comment.body_html, comment_text("Voir https://example.org"))
        comment.body = "<b>Corrigé</b>"
        comment.save(update_fields=["body"])
        comment.refresh_from_db()
        self.assertEqual(comment.body_html, "<p>&lt;b&gt;Corrigé&lt;/b&gt;</p>")
        self.assertEqual(comment.body_as_html, comment.body_html)

    def test_rows_inserted_without_save_are_shown_all_the_same(self):
        article = make_article()
        Comment.objects.bulk_create(
            [Comment(article=article, name="A", body="a\n\nb", status="approved")]
        )
        comment = Comment.objects.get()
        self.assertEqual(comment.body_html, "")
        self.assertEqual(comment.body_as_html, "<p>a</p>\n<p>b</p>")


class CommentBlockTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        cls.first = make_comment(cls.article, name="Alice", body="Premier avis.")
        cls.reply = make_comment(
            cls.article, parent=cls.first, name="Bob", body="Réponse de Bob."
        )
        cls.second = make_comment(cls.article, name="Chloé", body="Deuxième avis.")
        make_comment(cls.article, status=Comment.Status.PENDING, body="En attente.")
        make_comment(cls.article, status=Comment.Status.SPAM, body="Indésirable.")
        make_comment(cls.article, status=Comment.Status.REJECTED, body="Rejeté.")
        make_comment(
            cls.article,
            parent=cls.first,
            status=Comment.Status.PENDING,
            body="Rép. attente.",
        )

    def test_approved_comments_oldest_first_with_replies_and_count(self):
        response = self.client.get(self.article.get_absolute_url())
        self.assertContains(
            response,
            '<h2 id="comments-title" class="block-title">3 commentaires</h2>',
            html=False,
        )
        content = response.content.decode()
        self.assertLess(
            content.index("Premier avis."), content.index("Réponse de Bob.")
        )
        self.assertLess(
            content.index("Réponse de Bob."), content.index("Deuxième avis.")
        )
        for hidden in ["En attente.", "Indésirable.", "Rejeté.", "Rép. attente."]:
            self.assertNotContains(response, hidden)
        self.assertNotContains(response, self.first.email)
        self.assertContains(response, "Laisser un commentaire")
        self.assertContains(response, f'data-reply-to="{self.first.pk}"')
        # Replies cannot be replied to: one level only.
        self.assertNotContains(response, f'data-reply-to="{self.reply.pk}"')

    def test_empty_article(self):
        response = self.client.get(make_article().get_absolute_url())
        self.assertContains(response, "Aucun commentaire pour l")

    @override_settings(COMMENTS_PER_PAGE=2)
    def test_pagination_by_threads(self):
        """Past the page size, threads go on to further pages, each thread
        with its replies."""
        third = make_comment(self.article, body="Troisième avis.")
        make_comment(self.article, parent=third, body="Réponse au troisième.")
        page1 = self.client.get(self.article.get_absolute_url())
        self.assertContains(page1, "Réponse de Bob.")
        self.assertNotContains(page1, "Troisième avis.")
        self.assertNotContains(page1, "Réponse au troisième.")
        self.assertContains(page1, "?commentaires=2#commentaires")
        page2 = self.client.get(self.article.get_absolute_url(), {"commentaires": 2})
        self.assertContains(page2, "Troisième avis.")
        self.assertContains(page2, "Réponse au troisième.")
        self.assertNotContains(page2, "Premier avis.")
        self.assertNotContains(page2, "Réponse de Bob.")
        self.assertContains(page2, "5 commentaires")
        for junk in ["abc", "999", "-1", "2.5"]:
            self.assertEqual(
                self.client.get(
                    self.article.get_absolute_url(), {"commentaires": junk}
                ).status_code,
                200,
            )
        third.delete()

    @override_settings(COMMENTS_PER_PAGE=1)
    def test_pages_past_the_last_show_the_last(self):
        article = make_article()
        make_comment(article, body="Premier avis.")
        make_comment(article, body="Second avis.")
        url = article.get_absolute_url()
        for asked in ["2", "3", "99999999999", "0", "-1"]:
            with self.subTest(asked=asked):
                response = self.client.get(url, {"commentaires": asked})
                self.assertContains(response, "Second avis.")
                self.assertNotContains(response, "Premier avis.")
                self.assertContains(response, "Page 2 sur 2")
        for asked in ["1", "x", "1.5", "١"]:
            with self.subTest(asked=asked):
                response = self.client.get(url, {"commentaires": asked})
                self.assertContains(response, "Premier avis.")
                self.assertContains(response, "Page 1 sur 2")


class ThreadsQueryTests(TestCase):
    """The comment block's queries, compiled once, give what the
    ORM gives for the same question (a narrowed queryset takes the ORM's
    way): approved comments only, threads oldest first, replies under their
    thread, pages of threads."""

    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        other = make_article()
        threads = [make_comment(cls.article) for _ in range(5)]
        for thread in (threads[0], threads[0], threads[3]):
            make_comment(cls.article, parent=thread)
        make_comment(cls.article, parent=threads[4], status=Comment.Status.PENDING)
        for status in (Comment.Status.PENDING, Comment.Status.SPAM):
            held = make_comment(cls.article, status=status)
            # Approved, but under a thread that is not shown.
            make_comment(cls.article, parent=held)
        make_comment(cls.article, status=Comment.Status.REJECTED)
        make_comment(other, parent=make_comment(other))
        Comment.objects.bulk_create(
            [
                Comment(
                    article=cls.article,
                    name="Sans save",
                    body="a\n\nb",
                    status=Comment.Status.APPROVED,
                )
            ]
        )
        cls.threads = threads

    def test_counts(self):
        """The approved comments (replies under a held thread too) and the
        approved threads, in one query."""
        with self.assertNumQueries(1):
            counts = Comment.objects.on(self.article).counts()
        self.assertEqual(counts, {"total": 11, "threads": 6})
        self.assertEqual(
            Comment.objects.on(make_article()).counts(), {"total": 0, "threads": 0}
        )

    def test_threads_with_their_approved_replies(self):
        with self.assertNumQueries(2):
            threads = list(Comment.objects.on(self.article).threads())
            replies = [
                [reply.pk for reply in thread.approved_replies] for thread in threads
            ]
        self.assertEqual(
            [thread.pk for thread in threads],
            [thread.pk for thread in self.threads]
            + [Comment.objects.get(name="Sans save").pk],
        )
        first = self.threads[0]
        self.assertEqual(
            replies[0], list(first.replies.approved().values_list("pk", flat=True))
        )
        self.assertEqual([len(r) for r in replies], [2, 0, 0, 1, 0, 0])


@override_settings(PAGE_CACHE_ENABLED=False)
class CommentMarkupTests(TestCase):
    """What each comment shows, in each language and state."""

    def test_dates_as_the_date_filter_shows_them(self):
        article = make_article()
        winter = datetime(2026, 1, 5, 23, 30, tzinfo=UTC)
        summer = datetime(2026, 7, 14, 22, 5, tzinfo=UTC)
        for when in (winter, summer):
            Comment.objects.filter(pk=make_comment(article).pk).update(created_at=when)
        dates = Template(
            "{% for d in dates %}<time datetime=\"{{ d|date:'Y-m-d\\TH:i:sO' }}\">"
            '{{ d|date:"SHORT_DATETIME_FORMAT" }}</time>{% endfor %}'
        )
        for prefix, language in (("", "fr"), ("/en", "en")):
            with translation.override(language):
                expected = dates.render(Context({"dates": [winter, summer]}))
            response = self.client.get(prefix + article.get_absolute_url())
            for time in expected.split("</time>")[:2]:
                self.assertContains(response, time + "</time>")
        self.assertContains(response, "2026-07-15T00:05:00+0200")

    def test_newsroom_badge_and_reply_links(self):
        journalist = User.objects.create_user("journaliste", is_staff=True)
        article = make_article()
        thread = make_comment(article, name="Rédac", staff_author=journalist)
        reply = make_comment(article, parent=thread, staff_author=journalist)
        response = self.client.get(article.get_absolute_url())
        self.assertContains(
            response, '<span class="comment__badge">Rédaction</span>', 2
        )
        self.assertContains(response, 'class="comment comment--newsroom"', 2)
        self.assertContains(response, f'data-reply-to="{thread.pk}"')
        self.assertNotContains(response, f'data-reply-to="{reply.pk}"')
        article.comments_open = False
        article.save()
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Les commentaires sont fermés.")
        self.assertNotContains(response, "data-reply-to")

    def test_an_edited_comment_is_shown_anew(self):
        article = make_article()
        comment = make_comment(article, name="Alice", body="Premier jet.")
        self.assertContains(self.client.get(article.get_absolute_url()), "Premier jet.")
        comment.name, comment.body = "Alice B.", "Texte corrigé."
        comment.save()
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "Texte corrigé.")
        self.assertContains(response, "Alice B.")
        self.assertNotContains(response, "Premier jet.")

    def test_rows_inserted_without_save_are_shown_as_html(self):
        article = make_article()
        Comment.objects.bulk_create(
            [Comment(article=article, name="A", body="un\n\ndeux", status="approved")]
        )
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, "<p>un</p>\n<p>deux</p>", html=False)


@override_settings(PAGE_CACHE_ENABLED=False)
class ArticlePageQueryCountTests(TestCase):
    """The article page's queries do not grow with its comments (rendered,
    not served from the page cache)."""

    @classmethod
    def setUpTestData(cls):
        authors = [make_author(), make_author()]
        tags = [make_tag(), make_tag()]
        cls.article = make_article(authors=authors, tags=tags)
        make_article(section=cls.article.section, authors=authors)
        make_comment(cls.article)
        make_comment(cls.article)

    def test_query_count_with_200_comments(self):
        """With 200 comments (threads and replies) the article page runs the
        same number of queries as with two: the article page's eight (see
        tests/articles/test_query_counts.py, the comments' counts included),
        the page's threads and their replies."""
        url = self.article.get_absolute_url()
        with self.assertNumQueries(10):
            response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        threads = [make_comment(self.article) for _ in range(100)]
        for thread in threads[:98]:
            make_comment(self.article, parent=thread)
        self.assertEqual(Comment.objects.approved().count(), 200)
        with self.assertNumQueries(10):
            response = self.client.get(url)
        self.assertContains(response, "200 commentaires")


class EnglishPageTests(TestCase):
    def test_comment_block_on_english_page(self):
        article = make_article()
        make_comment(article, body="Bonjour.")
        response = self.client.get("/en" + article.get_absolute_url())
        self.assertContains(response, "Bonjour.")
        self.assertContains(response, 'id="commentaires"')


class CommentApprovalPurgesCacheTests(TestCase):
    def test_approving_shows_the_comment_on_the_cached_page(self):
        """The page cache keeps the article page until a comment under it is
        approved; then both languages render again."""
        from comments.services import comment_approve

        article = make_article()
        pending = make_comment(
            article, status=Comment.Status.PENDING, body="Très juste."
        )
        moderator = User.objects.create_user("modo", is_staff=True, is_superuser=True)
        url, english = article.get_absolute_url(), "/en" + article.get_absolute_url()
        for page in (url, english):
            self.client.get(page)
            self.assertEqual(self.client.get(page)["X-Page-Cache"], "hit")
        with self.captureOnCommitCallbacks(execute=True):
            comment_approve(comment=pending, moderator=moderator)
        for page in (url, english):
            response = self.client.get(page)
            self.assertEqual(response["X-Page-Cache"], "miss")
            self.assertContains(response, "Très juste.")
