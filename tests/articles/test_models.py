from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from articles.models import Article, Correction, RelatedLink
from tests.factories import (
    make_article,
    make_author,
    make_section,
    make_tag,
    tomorrow,
    yesterday,
)


class PublishedRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.live = make_article(section=cls.section, title="En ligne")
        cls.draft = make_article(
            section=cls.section, status=Article.Status.DRAFT, published_at=None
        )
        cls.review = make_article(section=cls.section, status=Article.Status.REVIEW)
        cls.unpublished = make_article(
            section=cls.section, status=Article.Status.UNPUBLISHED
        )
        cls.scheduled = make_article(section=cls.section, published_at=tomorrow())

    def test_only_published_and_past_articles_are_published(self):
        """Published means status Publié and a publication time in the past."""
        self.assertQuerySetEqual(Article.objects.published(), [self.live])

    def test_scheduled_article_appears_by_itself_at_its_time(self):
        """No scheduler: the same rule admits the article once its time has come."""
        later = self.scheduled.published_at + timedelta(seconds=1)
        self.assertNotIn(self.scheduled, Article.objects.published())
        self.assertIn(self.scheduled, Article.objects.published(now=later))
        self.assertQuerySetEqual(Article.objects.scheduled(), [self.scheduled])

    def test_model_method_agrees_with_queryset(self):
        """Article.is_published() and .published() are the same rule."""
        for moment in (timezone.now(), tomorrow() + timedelta(hours=1)):
            published = set(Article.objects.published(now=moment))
            for article in Article.objects.all():
                self.assertEqual(
                    article.is_published(now=moment),
                    article in published,
                    f"{article.title} at {moment}",
                )

    def test_publishing_without_date_stamps_now(self):
        article = make_article(section=self.section, published_at=None)
        self.assertIsNotNone(article.published_at)
        self.assertTrue(article.is_published())

    def test_database_refuses_published_without_date(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=self.draft.pk).update(
                status=Article.Status.PUBLISHED
            )

    def test_database_refuses_unknown_status(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            Article.objects.filter(pk=self.live.pk).update(status="bogus")


class NextPublicationTests(TestCase):
    """The time the page cache keeps reader pages until."""

    def test_none_without_a_scheduled_article(self):
        make_article(published_at=yesterday())
        self.assertIsNone(Article.objects.next_publication_time())

    def test_the_first_scheduled_publication(self):
        section = make_section()
        first = tomorrow().replace(microsecond=123456)
        make_article(section=section, published_at=first + timedelta(hours=1))
        make_article(section=section, published_at=first)
        make_article(published_at=first + timedelta(hours=2))
        make_article(published_at=yesterday())
        make_article(
            published_at=first - timedelta(hours=1), status=Article.Status.DRAFT
        )
        found = Article.objects.next_publication_time()
        self.assertEqual(found, first)
        self.assertIsNotNone(found.tzinfo)
        self.assertEqual(
            Article.objects.next_publication_time(now=first),
            first + timedelta(hours=1),
        )
        self.assertIsNone(
            Article.objects.next_publication_time(now=first + timedelta(hours=2))
        )
        self.assertEqual(
            Article.objects.next_publication_time(now=first - timedelta(hours=3)),
            first,
        )
        # A narrowed queryset keeps its conditions.
        self.assertEqual(
            Article.objects.exclude(section=section).next_publication_time(),
            first + timedelta(hours=2),
        )


class SlugTests(TestCase):
    def test_slug_made_from_title(self):
        article = make_article(title="La Russie retire une partie de ses troupes")
        self.assertEqual(article.slug, "la-russie-retire-une-partie-de-ses-troupes")

    def test_same_title_gets_a_unique_slug(self):
        first = make_article(title="Élections : le second tour")
        second = make_article(title="Élections : le second tour")
        self.assertEqual(first.slug, "elections-le-second-tour")
        self.assertEqual(second.slug, "elections-le-second-tour-2")

    def test_database_refuses_duplicate_slug(self):
        article = make_article()
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_article(slug=article.slug)

    def test_title_without_letters_still_gets_a_slug(self):
        self.assertEqual(make_article(title="!!!").slug, "sans-titre")


class RelatedReadingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section()
        cls.other_section = make_section()
        cls.recent = [
            make_article(
                section=cls.section, published_at=yesterday() - timedelta(hours=h)
            )
            for h in range(4)
        ]
        cls.article = make_article(section=cls.section, published_at=yesterday())

    def related(self, article):
        return Article.objects.for_detail().get(pk=article.pk).related_articles()

    def test_picks_come_first_in_editor_order(self):
        """The editor's picks keep their order, even from another section."""
        far = make_article(section=self.other_section)
        RelatedLink.objects.create(article=self.article, related=far, position=0)
        RelatedLink.objects.create(
            article=self.article, related=self.recent[3], position=1
        )
        related = self.related(self.article)
        self.assertEqual(related[:2], [far, self.recent[3]])
        self.assertEqual(len(related), 3)

    def test_topped_up_with_recent_articles_of_the_same_section(self):
        """With fewer than three picks, the newest of the section fill in."""
        RelatedLink.objects.create(
            article=self.article, related=self.recent[2], position=0
        )
        self.assertEqual(
            self.related(self.article),
            [self.recent[2], self.recent[0], self.recent[1]],
        )

    def test_unpublished_picks_are_not_shown(self):
        draft = make_article(section=self.section, status=Article.Status.DRAFT)
        future = make_article(section=self.section, published_at=tomorrow())
        RelatedLink.objects.create(article=self.article, related=draft, position=0)
        RelatedLink.objects.create(article=self.article, related=future, position=1)
        related = self.related(self.article)
        self.assertNotIn(draft, related)
        self.assertNotIn(future, related)
        self.assertEqual(len(related), 3)

    def test_never_relates_to_itself(self):
        self.assertNotIn(self.article, self.related(self.article))
        with self.assertRaises(IntegrityError), transaction.atomic():
            RelatedLink.objects.create(article=self.article, related=self.article)


class BylineTests(TestCase):
    def test_authors_in_byline_order(self):
        first, second = make_author(display_name="Zoé"), make_author(display_name="Ana")
        article = make_article(authors=[first, second])
        fetched = Article.objects.with_bylines().get(pk=article.pk)
        self.assertEqual(fetched.authors_in_order(), [first, second])


class ForDetailTests(TestCase):
    """for_detail() fetches the lists of the article page with the article:
    one query each, then nothing more however they are read."""

    @classmethod
    def setUpTestData(cls):
        cls.authors = [make_author(display_name=name) for name in ("Zoé", "Ana")]
        cls.tags = [make_tag(name=name) for name in ("Santé", "Climat", "Europe")]
        cls.picks = [make_article(image=i == 0) for i in range(3)]
        cls.draft = make_article(status=Article.Status.DRAFT)
        cls.article = make_article(
            authors=cls.authors, tags=cls.tags, related=[cls.draft, *cls.picks]
        )
        cls.corrections = [
            Correction.objects.create(
                article=cls.article,
                kind=kind,
                text=f"Texte {kind}",
                created_at=timezone.now() - timedelta(hours=hours),
            )
            for kind, hours in (("clarification", 1), ("correction", 2))
        ]
        cls.other = make_article(tags=cls.tags[:1])

    def fetch(self):
        return Article.objects.published().for_detail().get(slug=self.article.slug)

    def test_lists_come_with_the_article_in_one_query_each(self):
        with self.assertNumQueries(5):
            article = self.fetch()
        with self.assertNumQueries(0):
            self.assertEqual(article.section.name, self.article.section.name)
            self.assertEqual(article.authors_in_order(), self.authors)
            self.assertEqual(
                [author.display_name for author in article.authors_in_order()],
                ["Zoé", "Ana"],
            )
            self.assertEqual(
                [tag.name for tag in article.tags.all()],
                ["Climat", "Europe", "Santé"],
            )
            self.assertEqual(list(article.corrections.all()), self.corrections[::-1])
            self.assertEqual(article.related_articles(), self.picks)

    def test_fetched_values_are_those_of_the_database(self):
        """Dates, JSON and related sections come converted as the ORM gives them."""
        article = self.fetch()
        correction = article.corrections.all()[0]
        self.assertIsInstance(correction.created_at, datetime)
        self.assertEqual(correction.created_at, self.corrections[1].created_at)
        self.assertEqual(correction.get_kind_display(), "Correction")
        pick = article.related_articles()[0]
        stored = Article.objects.select_related("section").get(pk=pick.pk)
        self.assertEqual(pick.lead_image_renditions, stored.lead_image_renditions)
        self.assertTrue(pick.lead_image_renditions["items"])
        self.assertEqual(pick.published_at, stored.published_at)
        self.assertEqual(pick.section, stored.section)
        self.assertEqual(pick.section.slug, stored.section.slug)
        self.assertEqual(pick.get_absolute_url(), stored.get_absolute_url())

    def test_fetched_lists_are_the_article_s_own_querysets(self):
        """A list read further through its manager still answers for this
        article only."""
        article = self.fetch()
        self.assertQuerySetEqual(
            article.tags.all().filter(name__startswith="S"), [self.tags[0]]
        )
        self.assertQuerySetEqual(
            article.corrections.all().filter(kind="correction"), [self.corrections[1]]
        )

    def test_an_article_without_lists(self):
        article = make_article(related=[self.draft])
        with self.assertNumQueries(5):
            fetched = Article.objects.for_detail().get(pk=article.pk)
        self.assertEqual(fetched.authors_in_order(), [])
        self.assertEqual(list(fetched.tags.all()), [])
        self.assertEqual(list(fetched.corrections.all()), [])

    def test_related_articles_without_for_detail(self):
        """Another fetch of the article gets the same picks, in a query of its own."""
        article = Article.objects.get(pk=self.article.pk)
        self.assertEqual(article.related_articles(), self.picks)


class LeadImageTests(TestCase):
    def test_renditions_are_made_once_on_save(self):
        """Each width exists in WebP and JPEG, no wider than the original."""
        article = make_article(image=True)
        renditions = article.lead_image_renditions
        self.assertEqual((renditions["width"], renditions["height"]), (1600, 900))
        widths = [item["w"] for item in renditions["items"]]
        self.assertEqual(widths, [320, 640, 960, 1280])
        for item in renditions["items"]:
            self.assertTrue(item["webp"].endswith(".webp"))
            self.assertTrue(item["jpg"].endswith(".jpg"))
        stored = Article.objects.get(pk=article.pk).lead_image_renditions
        self.assertEqual(stored, renditions)

        article.title = "Nouveau titre"
        article.save()
        self.assertIs(article.lead_image_renditions, renditions)

    def test_small_image_is_not_upscaled(self):
        from django.core.files.base import ContentFile

        from tests.factories import image_file

        article = make_article()
        small = image_file(size=(500, 300))
        article.lead_image.save("small.png", ContentFile(small.read()), save=True)
        self.assertEqual(
            [item["w"] for item in article.lead_image_renditions["items"]], [320, 500]
        )

    def test_removing_the_image_drops_renditions(self):
        article = make_article(image=True)
        article.lead_image = None
        article.save()
        self.assertEqual(Article.objects.get(pk=article.pk).lead_image_renditions, {})
