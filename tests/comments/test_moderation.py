from django.test import TestCase, override_settings

from comments.models import Comment, ModerationWord
from comments.moderation import decide
from tests.factories import make_article

from .factories import make_comment


class ModerationRuleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.article = make_article()
        ModerationWord.objects.create(word="arnaque", kind=ModerationWord.Kind.HOLD)
        ModerationWord.objects.create(
            word="casino en ligne", kind=ModerationWord.Kind.BAN
        )

    def decide(self, body, *, email="nouveau@example.org", name="Nom"):
        return decide(name=name, email=email, body=body)

    def test_pre_moderation_by_default(self):
        decision = self.decide("Un avis sans histoire.")
        self.assertEqual(decision.status, Comment.Status.PENDING)
        self.assertEqual(decision.reason, "Pré-modération.")

    def test_one_link_is_not_held_for_links(self):
        self.assertEqual(
            self.decide("Voir https://example.org").reason, "Pré-modération."
        )

    def test_two_links_hold_with_reason(self):
        decision = self.decide("Voir https://a.example et www.b.example")
        self.assertEqual(decision.status, Comment.Status.PENDING)
        self.assertEqual(decision.reason, "Contient 2 liens.")

    def test_moderation_word_holds_ignoring_case_and_accents(self):
        decision = self.decide("C'est une ARNAQUÉ totale")
        self.assertEqual(decision.status, Comment.Status.PENDING)
        self.assertEqual(decision.reason, "Mot à modérer : « arnaque ».")

    def test_moderation_word_matches_whole_words_only(self):
        self.assertEqual(self.decide("Les arnaqueurs").reason, "Pré-modération.")

    def test_banned_word_is_spam_even_from_trusted(self):
        for _ in range(3):
            make_comment(self.article, email="fidele@example.org")
        decision = self.decide(
            "Le meilleur Casino en ligne", email="fidele@example.org"
        )
        self.assertEqual(decision.status, Comment.Status.SPAM)
        self.assertEqual(decision.reason, "Mot interdit : « casino en ligne ».")

    def test_banned_word_in_name(self):
        self.assertEqual(
            self.decide("Bonjour", name="casino en ligne").status, Comment.Status.SPAM
        )

    def test_trusted_after_n_approved_comments(self):
        """An e-mail with COMMENTS_TRUST_AFTER_APPROVED approved comments is
        approved directly; pending or rejected ones do not count."""
        for _ in range(2):
            make_comment(self.article, email="Fidele@example.org")
        make_comment(
            self.article, email="fidele@example.org", status=Comment.Status.REJECTED
        )
        self.assertEqual(
            self.decide("Encore moi", email="fidele@example.org").status,
            Comment.Status.PENDING,
        )
        make_comment(self.article, email="fidele@example.org")
        decision = self.decide("Encore moi", email="fidele@example.org")
        self.assertEqual(decision.status, Comment.Status.APPROVED)
        self.assertIn("confiance", decision.reason)

    def test_trusted_commenter_still_held_for_links(self):
        for _ in range(3):
            make_comment(self.article, email="fidele@example.org")
        decision = self.decide(
            "https://a.example https://b.example", email="fidele@example.org"
        )
        self.assertEqual(decision.status, Comment.Status.PENDING)

    @override_settings(COMMENTS_TRUST_AFTER_APPROVED=0)
    def test_trust_can_be_turned_off(self):
        for _ in range(5):
            make_comment(self.article, email="fidele@example.org")
        self.assertEqual(
            self.decide("Encore", email="fidele@example.org").status,
            Comment.Status.PENDING,
        )
