from datetime import timedelta

from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from articles.models import Article, RelatedLink
from tests.factories import (
    make_article,
    make_author,
    make_section,
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
