from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from articles import workflow
from articles.models import Article, ArticleTransition, Correction
from tests.editorial.helpers import draft_of, make_user
from tests.factories import make_article, tomorrow, yesterday

Status = Article.Status


class WorkflowTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.journalist = make_user("Journaliste")
        cls.editor = make_user("Éditeur")

    def test_full_cycle_is_recorded(self):
        """Draft → review → published → unpublished → draft, each step with
        who, when, from, to and note."""
        article = draft_of(self.journalist)
        workflow.article_submit(article=article, user=self.journalist, note="Prêt")
        workflow.article_publish(article=article, user=self.editor)
        self.assertTrue(article.is_published())
        workflow.article_unpublish(article=article, user=self.editor, note="Erreur")
        workflow.article_send_back(
            article=article, user=self.editor, note="Vérifier les chiffres."
        )
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)
        steps = list(article.transitions.order_by("created_at", "pk"))
        self.assertEqual(
            [(s.from_status, s.to_status) for s in steps],
            [
                (Status.DRAFT, Status.REVIEW),
                (Status.REVIEW, Status.PUBLISHED),
                (Status.PUBLISHED, Status.UNPUBLISHED),
                (Status.UNPUBLISHED, Status.DRAFT),
            ],
        )
        self.assertEqual(steps[0].user, self.journalist)
        self.assertEqual(steps[0].note, "Prêt")
        self.assertEqual(steps[3].note, "Vérifier les chiffres.")
        self.assertIsNotNone(steps[1].published_at)

    def test_scheduled_article_appears_by_the_published_rule_alone(self):
        """A scheduled article is invisible until its time, then published
        without any job running."""
        article = draft_of(self.journalist)
        at = timezone.now() + timedelta(hours=2)
        workflow.article_schedule(article=article, user=self.editor, at=at)
        self.assertTrue(article.is_scheduled())
        self.assertNotIn(article, Article.objects.published())
        self.assertIn(article, Article.objects.scheduled())
        later = at + timedelta(seconds=1)
        self.assertIn(article, Article.objects.published(now=later))
        self.assertTrue(article.is_published(now=later))

    def test_schedule_needs_a_future_date(self):
        article = draft_of(self.journalist)
        with self.assertRaisesMessage(ValidationError, "dans le futur"):
            workflow.article_schedule(article=article, user=self.editor, at=yesterday())
        article.refresh_from_db()
        self.assertEqual(article.status, Status.DRAFT)

    def test_publish_now_a_scheduled_article(self):
        article = draft_of(self.journalist)
        workflow.article_schedule(article=article, user=self.editor, at=tomorrow())
        workflow.article_publish(article=article, user=self.editor)
        self.assertTrue(article.is_published())

    def test_republication_keeps_first_date_and_shows_update(self):
        first = yesterday()
        article = make_article(published_at=first)
        workflow.article_unpublish(article=article, user=self.editor)
        workflow.article_publish(article=article, user=self.editor)
        article.refresh_from_db()
        self.assertEqual(article.published_at, first)
        self.assertTrue(article.shows_update)

    def test_send_back_needs_a_note(self):
        article = draft_of(self.journalist)
        workflow.article_submit(article=article, user=self.journalist)
        with self.assertRaisesMessage(ValidationError, "revoir"):
            workflow.article_send_back(article=article, user=self.editor, note="  ")

    def test_impossible_transitions_are_refused(self):
        """Submitting twice or unpublishing a draft makes no sense."""
        article = draft_of(self.journalist)
        workflow.article_submit(article=article, user=self.journalist)
        with self.assertRaises(PermissionDenied):
            # Once submitted, the journalist no longer edits it.
            workflow.article_submit(article=article, user=self.journalist)
        draft = draft_of(self.journalist)
        with self.assertRaisesMessage(ValidationError, "impossible"):
            workflow.article_unpublish(article=draft, user=self.editor)
        self.assertEqual(ArticleTransition.objects.filter(article=draft).count(), 0)

    def test_correction_updates_the_article(self):
        """A correction is dated, and the article shows "Mis à jour le"."""
        article = make_article(published_at=yesterday())
        correction = workflow.correction_add(
            article=article, user=self.editor, text="Le sommet a eu lieu mardi."
        )
        article.refresh_from_db()
        self.assertEqual(article.updated_at, correction.created_at)
        self.assertTrue(article.shows_update)
        self.assertEqual(correction.created_by, self.editor)

    def test_correction_only_on_published_articles(self):
        article = draft_of(self.journalist)
        with self.assertRaisesMessage(ValidationError, "publié"):
            workflow.correction_add(article=article, user=self.editor, text="x")
        self.assertFalse(Correction.objects.exists())

    def test_dashboard_querysets(self):
        mine = draft_of(self.journalist)
        other = draft_of(self.editor)
        waiting = draft_of(self.journalist)
        workflow.article_submit(article=waiting, user=self.journalist)
        later = draft_of(self.journalist)
        workflow.article_schedule(article=later, user=self.editor, at=tomorrow())
        self.assertEqual(list(Article.objects.drafts_of(self.journalist)), [mine])
        self.assertEqual(list(Article.objects.drafts_of(self.editor)), [other])
        self.assertEqual(list(Article.objects.in_review()), [waiting])
        self.assertEqual(list(Article.objects.scheduled()), [later])
