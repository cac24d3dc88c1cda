"""Whatever a client sends to the posting endpoint, the answer is a redirect
(exactly one comment saved) or a 4xx (nothing saved): never a 500."""

from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from comments.models import Comment, CommentIP
from tests.factories import make_article

from .factories import form_token, make_comment

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
HUGE = st.integers(min_value=4990, max_value=20_000).map(lambda n: "é" * n)


def field(valid):
    """A field's value: a plausible one, any text, a huge one or a number."""
    return st.one_of(
        st.just(valid),
        TEXT,
        HUGE,
        st.integers().map(str),
        st.sampled_from(["", " ", "\x00", "\u202e", "\r\n" * 50]),
    )


@override_settings(COMMENTS_RATE_LIMITS={"ip": (10_000, 60), "email": (10_000, 60)})
class PostingPropertyTests(TestCase):
    def setUp(self):
        cache.clear()
        self.article = make_article()
        self.closed = make_article(comments_open=False)
        self.parent = make_comment(self.article)
        self.foreign = make_comment(self.closed)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(data=st.data())
    def test_any_form_post(self, data):
        """A valid post with a few fields changed, dropped or made hostile."""
        article = data.draw(st.sampled_from([self.article, self.article, self.closed]))
        payload = {
            "name": "Camille",
            "email": "camille@example.org",
            "body": data.draw(TEXT.map(lambda t: f"Un avis mesuré. {t}"), label="body"),
            "parent": "",
            "website": "",
            "token": form_token(article),
        }
        hostile = {
            "name": field("Camille"),
            "email": field("camille@example.org"),
            "body": field("Un avis mesuré."),
            "parent": st.one_of(
                st.sampled_from([str(self.parent.pk), str(self.foreign.pk)]), TEXT
            ),
            "website": TEXT,
            "token": st.one_of(
                st.just(form_token(self.article)),
                st.just(form_token(article, age=0)),
                TEXT,
            ),
            "from": st.one_of(st.just("form"), TEXT),
        }
        for name in data.draw(
            st.lists(st.sampled_from(sorted(hostile)), max_size=3, unique=True),
            label="changed fields",
        ):
            if data.draw(st.booleans(), label=f"drop {name}"):
                payload.pop(name, None)
            else:
                payload[name] = data.draw(hostile[name], label=name)
        headers = data.draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "HTTP_X_FORWARDED_FOR": TEXT,
                    "REMOTE_ADDR": st.sampled_from(["203.0.113.9", "::1", "garbage"]),
                    "HTTP_USER_AGENT": TEXT,
                    "HTTP_ACCEPT_LANGUAGE": TEXT,
                },
            ),
            label="headers",
        )
        csrf = data.draw(st.sampled_from([False, False, False, True]), label="csrf")
        client = Client(enforce_csrf_checks=csrf)
        before = Comment.objects.count()
        response = client.post(
            reverse("comments:post", kwargs={"slug": article.slug}), payload, **headers
        )
        self.assert_outcome(response, before)
        if csrf:
            self.assertEqual(response.status_code, 403)

    @settings(max_examples=60, deadline=None)
    @given(
        body=st.binary(max_size=2000),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "application/x-www-form-urlencoded; charset=latin-1",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "application/json",
                "text/plain; charset=utf-8",
                "",
            ]
        ),
    )
    def test_any_raw_body(self, body, content_type):
        """Invalid UTF-8, broken multipart and unexpected content types."""
        before = Comment.objects.count()
        response = Client().generic(
            "POST",
            reverse("comments:post", kwargs={"slug": self.article.slug}),
            body,
            content_type=content_type,
        )
        self.assert_outcome(response, before)

    def assert_outcome(self, response, before):
        after = Comment.objects.count()
        event(f"HTTP {response.status_code}")
        self.assertLess(response.status_code, 500)
        if response.status_code == 302:
            self.assertEqual(after, before + 1)
            comment = Comment.objects.latest("pk")
            self.assertEqual(comment.article, self.article)
            if comment.parent_id:
                self.assertEqual(comment.parent, self.parent)
        else:
            self.assertGreaterEqual(response.status_code, 400)
            self.assertEqual(after, before)
        # No orphan rows: every kept IP belongs to a saved comment.
        self.assertEqual(
            CommentIP.objects.exclude(comment__in=Comment.objects.all()).count(), 0
        )
