"""Editorial changes purge exactly the cached pages that show them
(articles/purge.py, articles/signals.py): every page that shows the change
is rendered again on its next request, every other page stays in the cache."""

from datetime import timedelta

from django.contrib.auth.models import User
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from articles import workflow
from articles.models import Article, Byline, RelatedLink
from comments.models import Comment
from comments.services import comment_approve, comment_reject
from tests.comments.factories import make_comment
from tests.editorial.helpers import make_user
from tests.factories import (
    make_article,
    make_author,
    make_section,
    make_tag,
    now,
    yesterday,
)


def both_languages(*paths):
    return [*paths, *("/en" + path for path in paths)]


class PurgeTestCase(TestCase):
    """A small site: two sections, two authors, two tags, an article `story`
    (International, by Claire, tagged Climat) shown on the home page, in a
    pick of `picker` and in the related reading of `mate` and `old`, which
    pick nothing and so show the newest of their section; `old` is too old
    for the home page or any related reading; `elsewhere` (Culture, three
    picks) shows none of them."""

    @classmethod
    def setUpTestData(cls):
        cls.world = make_section(name="International", slug="international")
        cls.culture = make_section(name="Culture", slug="culture")
        cls.claire = make_author(display_name="Claire Dumont", slug="claire")
        cls.paul = make_author(display_name="Paul Martin", slug="paul")
        cls.climate = make_tag(name="Climat", slug="climat")
        cls.books = make_tag(name="Livres", slug="livres")
        day = timedelta(days=1)
        cls.old = make_article(
            title="Un vieil article",
            section=cls.world,
            authors=[cls.claire],
            tags=[cls.climate],
            published_at=now() - 30 * day,
        )
        # Newer ones of the same section: `old` is on no front page or top-up,
        # and on the section's second page.
        for n in range(12):
            make_article(section=cls.world, published_at=now() - (20 - n) * day)
        cls.mate = make_article(
            title="Voisin de rubrique",
            section=cls.world,
            authors=[cls.paul],
            published_at=now() - 3 * day,
        )
        cls.story = make_article(
            title="Titre d'origine",
            section=cls.world,
            authors=[cls.claire],
            tags=[cls.climate],
            published_at=yesterday(),
        )
        books = [
            make_article(section=cls.culture, authors=[cls.paul], tags=[cls.books])
            for _ in range(4)
        ]
        cls.picker = make_article(
            title="Qui renvoie", section=cls.culture, related=[cls.story, *books[:2]]
        )
        cls.elsewhere = make_article(
            title="Ailleurs", section=cls.culture, related=books[:3]
        )
        cls.editor = make_user("Éditeur")

    def urls(self):
        with translation.override("fr"):
            return self.french_urls()

    def french_urls(self):
        return {
            "home": both_languages(reverse("articles:home")),
            "story": both_languages(
                self.story.get_absolute_url(),
                self.story.get_absolute_url() + "?commentaires=2",
            ),
            "world": both_languages(
                self.world.get_absolute_url(), self.world.get_absolute_url() + "?page=2"
            ),
            "culture": both_languages(self.culture.get_absolute_url()),
            "claire": both_languages(self.claire.get_absolute_url()),
            "paul": both_languages(self.paul.get_absolute_url()),
            "climate": both_languages(self.climate.get_absolute_url()),
            "books": both_languages(self.books.get_absolute_url()),
            "picker": both_languages(self.picker.get_absolute_url()),
            "mate": both_languages(self.mate.get_absolute_url()),
            "old": both_languages(self.old.get_absolute_url()),
            "elsewhere": both_languages(self.elsewhere.get_absolute_url()),
            "site_feeds": both_languages(
                reverse("articles:feed_rss"), reverse("articles:feed_atom")
            ),
            "world_feeds": both_languages(
                reverse("articles:section_feed_rss", args=["international"])
            ),
            "claire_feeds": both_languages(
                reverse("articles:author_feed_atom", args=["claire"])
            ),
            "culture_feeds": both_languages(
                reverse("articles:section_feed_rss", args=["culture"])
            ),
            "paul_feeds": both_languages(
                reverse("articles:author_feed_rss", args=["paul"])
            ),
            "sitemaps": both_languages(
                reverse("articles:sitemap"),
                reverse("articles:sitemap_section", args=["articles"]),
                reverse("articles:sitemap_news"),
            ),
        }

    def warm(self):
        """Every page in the page cache, checked."""
        for urls in self.urls().values():
            for url in urls:
                self.client.get(url)
                response = self.client.get(url)
                self.assertEqual(response["X-Page-Cache"], "hit", url)

    def assert_purged(self, *purged):
        """The pages of the groups named are rendered again, every other page
        comes from the cache."""
        for group, urls in self.urls().items():
            expected = "miss" if group in purged else "hit"
            for url in urls:
                with self.subTest(group=group, url=url):
                    response = self.client.get(url)
                    self.assertEqual(response.get("X-Page-Cache"), expected)

    def commit(self):
        """Purges happen once the change is committed."""
        return self.captureOnCommitCallbacks(execute=True)


ARTICLE_SURFACES = (
    "story",
    "home",
    "world",
    "claire",
    "climate",
    "picker",
    "mate",
    "old",
    "site_feeds",
    "world_feeds",
    "claire_feeds",
    "sitemaps",
)


class DraftTests(PurgeTestCase):
    def test_saving_a_draft_or_a_piece_in_review_purges_nothing(self):
        self.warm()
        with self.commit():
            draft = make_article(
                status=Article.Status.DRAFT,
                published_at=None,
                section=self.world,
                authors=[self.claire],
                tags=[self.climate],
                related=[self.story],
            )
        with self.commit():
            draft.title = "Brouillon retouché"
            draft.body = "<p>Un autre jet.</p>"
            draft.save()
            draft.tags.add(self.books)
            Byline.objects.create(article=draft, author=self.paul, position=1)
        with self.commit():
            workflow.article_submit(article=draft, user=self.editor)
            draft.title = "En relecture"
            draft.save()
        self.assert_purged()

    def test_saving_a_scheduled_article_purges_nothing(self):
        scheduled = make_article(
            section=self.world, published_at=now() + timedelta(days=2)
        )
        self.warm()
        with self.commit():
            scheduled.title = "Toujours programmé"
            scheduled.save()
        self.assert_purged()


class PublishedArticleTests(PurgeTestCase):
    def test_editing_a_published_article(self):
        self.warm()
        with self.commit():
            self.story.title = "Titre corrigé"
            self.story.save()
        self.assert_purged(*ARTICLE_SURFACES)
        for url in (reverse("articles:home"), self.story.get_absolute_url()):
            self.assertContains(self.client.get(url), "Titre corrigé")

    def test_publishing_an_article(self):
        draft = make_article(
            title="Tout nouveau",
            status=Article.Status.DRAFT,
            published_at=None,
            section=self.world,
            authors=[self.claire],
            tags=[self.climate],
        )
        self.warm()
        with self.commit():
            workflow.article_publish(article=draft, user=self.editor)
        # The newest of its section: in the top-ups of its section's articles
        # (`mate` and `story`); no one picks it.
        purged = set(ARTICLE_SURFACES) - {"picker"}
        self.assert_purged(*purged)
        self.assertContains(self.client.get(reverse("articles:home")), "Tout nouveau")

    def test_unpublishing_an_article(self):
        self.warm()
        with self.commit():
            workflow.article_unpublish(article=self.story, user=self.editor)
        self.assert_purged(*ARTICLE_SURFACES)
        self.assertEqual(
            self.client.get(self.story.get_absolute_url()).status_code, 404
        )
        self.assertNotContains(
            self.client.get(reverse("articles:home")), "Titre d&#x27;origine"
        )

    def test_correcting_an_article(self):
        """A correction shows on the article's page; its date in the feeds and
        sitemaps. The listings do not show it."""
        self.warm()
        with self.commit():
            workflow.correction_add(
                article=self.story, user=self.editor, text="Une date était fausse."
            )
        self.assert_purged(
            "story", "site_feeds", "world_feeds", "claire_feeds", "sitemaps"
        )
        self.assertContains(
            self.client.get(self.story.get_absolute_url()), "Une date était fausse."
        )

    def test_editing_an_old_article_leaves_the_home_page_and_top_ups(self):
        self.warm()
        with self.commit():
            self.old.title = "Vieil article retouché"
            self.old.save()
        self.assert_purged(
            "old",
            "world",
            "claire",
            "climate",
            "site_feeds",
            "world_feeds",
            "claire_feeds",
            "sitemaps",
        )

    def test_moving_an_article_to_another_section(self):
        self.warm()
        with self.commit():
            self.story.section = self.culture
            self.story.save()
        # Both sections' pages; `elsewhere`'s picks are three: no top-up.
        self.assert_purged(*ARTICLE_SURFACES, "culture", "culture_feeds")

    def test_changing_the_authors_and_tags(self):
        self.warm()
        with self.commit():
            Byline.objects.create(article=self.story, author=self.paul, position=1)
            self.story.tags.add(self.books)
        self.assert_purged(*ARTICLE_SURFACES, "paul", "books", "paul_feeds")

    def test_changing_related_reading(self):
        """An article's picks show on its own page only."""
        self.warm()
        with self.commit():
            RelatedLink.objects.filter(article=self.picker, related=self.story).delete()
        self.assert_purged("picker")

    def test_a_slug_change_purges_the_old_address(self):
        """As the admin does it: the old address now answers with a 301."""
        old_urls = both_languages(self.story.get_absolute_url())
        self.warm()
        with self.commit():
            old_slug, self.story.slug = self.story.slug, "nouveau-slug"
            self.story.save()
            workflow.slug_changed(article=self.story, old_slug=old_slug)
        for url in old_urls:
            response = self.client.get(url)
            self.assertEqual(response.status_code, 301)
        self.assertContains(self.client.get("/article/nouveau-slug/"), "Titre d")


class NamesTests(PurgeTestCase):
    def test_renaming_a_section_purges_every_page(self):
        """Its name shows in the navigation of every page."""
        self.warm()
        with self.commit():
            self.culture.name = "Culture et idées"
            self.culture.save()
        self.assert_purged(*self.urls())
        self.assertContains(self.client.get("/"), ">Culture et idées</a>")

    def test_a_section_description_shows_on_its_own_pages(self):
        self.warm()
        with self.commit():
            self.world.description = "Le monde comme il va."
            self.world.save()
        self.assert_purged("world", "world_feeds")

    def test_renaming_an_author(self):
        self.warm()
        with self.commit():
            self.claire.display_name = "Claire Dumont-Roy"
            self.claire.save()
        # Her page, her articles' pages and the listings showing them; the
        # related reading shows no byline.
        self.assert_purged(
            "claire",
            "story",
            "old",
            "home",
            "world",
            "climate",
            "site_feeds",
            "world_feeds",
            "claire_feeds",
        )
        self.assertContains(
            self.client.get(self.story.get_absolute_url()), "Claire Dumont-Roy"
        )

    def test_an_author_bio_shows_on_their_page(self):
        self.warm()
        with self.commit():
            self.paul.bio = "Critique littéraire."
            self.paul.save()
        self.assert_purged("paul")

    def test_renaming_a_tag(self):
        self.warm()
        with self.commit():
            self.climate.name = "Climat et énergie"
            self.climate.save()
        self.assert_purged(
            "climate", "story", "old", "site_feeds", "world_feeds", "claire_feeds"
        )
        self.assertContains(
            self.client.get(self.story.get_absolute_url()), "Climat et énergie"
        )


class CommentTests(PurgeTestCase):
    def setUp(self):
        self.moderator = User.objects.create_user(
            "modo", is_staff=True, is_superuser=True
        )

    def test_approving_a_comment_purges_its_article_only(self):
        pending = make_comment(
            self.story, status=Comment.Status.PENDING, body="Très juste."
        )
        self.warm()
        with self.commit():
            comment_approve(comment=pending, moderator=self.moderator)
        self.assert_purged("story")
        with translation.override("en"):
            english = self.story.get_absolute_url()
        self.assertContains(self.client.get(english), "Très juste.")

    def test_rejecting_a_comment_purges_its_article_only(self):
        shown = make_comment(self.story, body="Hors sujet.")
        self.warm()
        with self.commit():
            comment_reject(comment=shown, moderator=self.moderator)
        self.assert_purged("story")
        self.assertNotContains(
            self.client.get(self.story.get_absolute_url()), "Hors sujet."
        )

    def test_editing_a_comment_in_the_admin_purges_its_article_only(self):
        shown = make_comment(self.story, body="Avec une faute.")
        self.warm()
        self.client.force_login(self.moderator)
        with self.commit():
            response = self.client.post(
                reverse("admin:comments_comment_change", args=[shown.pk]),
                {"name": shown.name, "body": "Sans faute.", "newsroom_reply": ""},
            )
        self.assertEqual(response.status_code, 302)
        self.client.logout()
        self.assert_purged("story")
        self.assertContains(
            self.client.get(self.story.get_absolute_url()), "Sans faute."
        )
