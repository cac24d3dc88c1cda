from io import StringIO

from django.core.management import call_command
from django.test import TestCase

from comments.models import Comment


class DemoCommentsTests(TestCase):
    def test_load_demo_adds_comments_once(self):
        """load_demo puts approved comments, a newsroom reply and one pending
        comment on the seed article; running it again adds nothing."""
        out = StringIO()
        call_command("load_demo", stdout=out)
        self.assertIn("5 commentaires", out.getvalue())
        seed = Comment.objects.first().article
        self.assertEqual(Comment.objects.on(seed).approved().count(), 4)
        self.assertEqual(Comment.objects.on(seed).pending().count(), 1)
        self.assertTrue(
            Comment.objects.filter(staff_author__username="moderateur").exists()
        )
        call_command("load_demo", stdout=out)
        self.assertIn("0 commentaires", out.getvalue())
        self.assertEqual(Comment.objects.count(), 5)
        response = self.client.get(seed.get_absolute_url())
        self.assertContains(response, "4 commentaires")
