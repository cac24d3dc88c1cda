"""Bad input everywhere: whatever a client sends to a public URL (path, query
string, headers, method, form fields, cookies), the answer is a normal page, a
redirect or a 4xx, never a server error.

Through Django's test client, which re-raises any exception a view lets
escape: a failing example shows the traceback of the code that broke. Each
test is bounded (max_examples) so that the whole module stays well under a
minute and a half."""

from django.core.cache import cache
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles.workflow import preview_token
from comments.models import Comment
from tests.comments.factories import form_token, make_comment
from tests.factories import make_article, make_author, make_section, make_tag

from .strategies import HUGE, INVALID_UTF8, JUNK, PAGE, SEGMENT, TEXT

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Every public URL, {slug} standing for the real object's slug.
PAGES = [
    "/",
    "/rubrique/{section}/",
    "/rubrique/{section}/rss/",
    "/rubrique/{section}/atom/",
    "/auteur/{author}/",
    "/auteur/{author}/rss/",
    "/auteur/{author}/atom/",
    "/sujet/{tag}/",
    "/article/{article}/",
    "/recherche/",
    "/flux/rss/",
    "/flux/atom/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap-articles.xml",
    "/sitemap-rubriques.xml",
    "/apercu/{token}/",
    "/cookies/",
    "/cookies/panneau/",
    "/cookies/etat/",
    "/commentaires/article/{article}/ecrire/",
    "/commentaires/article/{article}/etat/",
    "/admin/login/",
]
PAGES += ["/en" + page for page in PAGES if not page.startswith("/admin")]

# Where a client controls a path segment.
SLUGGED = [
    "/rubrique/{}/",
    "/rubrique/{}/rss/",
    "/auteur/{}/",
    "/auteur/{}/atom/",
    "/sujet/{}/",
    "/article/{}/",
    "/en/article/{}/",
    "/apercu/{}/",
    "/sitemap-{}.xml",
    "/commentaires/article/{}/ecrire/",
    "/commentaires/article/{}/etat/",
    "/media/{}",
    "/static/{}",
    "/{}/",
    "/{}",
]

QUERY_PARAMS = ["page", "commentaires", "q", "parent", "next", "section", "lang"]
QUERY_VALUE = st.one_of(PAGE, JUNK, HUGE, st.just("\x00"))

SUCCESS = {200, 204, 301, 302, 304}


def assert_not_server_error(response, what):
    assert response.status_code < 500, f"{response.status_code} for {what!r}"
    assert response.status_code in SUCCESS or 400 <= response.status_code < 500


class ReaderSite(TestCase):
    """One published article with everything around it: comments, a section,
    an author, a tag, a draft with a preview link."""

    def setUp(self):
        cache.clear()
        self.section = make_section()
        self.author = make_author()
        self.tag = make_tag()
        self.article = make_article(
            section=self.section, authors=[self.author], tags=[self.tag]
        )
        self.comment = make_comment(self.article)
        make_comment(self.article, parent=self.comment)
        make_comment(self.article, status=Comment.Status.PENDING)
        self.draft = make_article(status="draft", section=self.section)
        self.slugs = {
            "section": self.section.slug,
            "author": self.author.slug,
            "tag": self.tag.slug,
            "article": self.article.slug,
            "token": preview_token(self.draft),
        }
        self.client = Client()

    def url(self, page):
        return page.format(**self.slugs)


class PathFuzzTests(ReaderSite):
    @FUZZ
    @given(template=st.sampled_from(SLUGGED), segment=SEGMENT)
    def test_junk_path_segment(self, template, segment):
        path = template.format(segment)
        assert_not_server_error(self.client.get(path), path)

    @FUZZ
    @given(
        parts=st.lists(st.one_of(SEGMENT, INVALID_UTF8), min_size=1, max_size=6),
        trailing=st.booleans(),
    )
    def test_junk_paths(self, parts, trailing):
        path = "/" + "/".join(parts) + ("/" if trailing else "")
        assert_not_server_error(self.client.get(path), path)

    @FUZZ
    @given(page=st.sampled_from(PAGES), suffix=st.one_of(SEGMENT, INVALID_UTF8))
    def test_junk_after_a_real_page(self, page, suffix):
        path = self.url(page) + suffix
        assert_not_server_error(self.client.get(path), path)


class QueryStringFuzzTests(ReaderSite):
    @FUZZ
    @given(
        page=st.sampled_from(PAGES),
        params=st.lists(
            st.tuples(st.one_of(st.sampled_from(QUERY_PARAMS), TEXT), QUERY_VALUE),
            max_size=5,
        ),
    )
    def test_junk_query_parameters(self, page, params):
        # A list of pairs: repeated parameters (?page=1&page=abc) included.
        path = self.url(page)
        response = self.client.get(path, params)
        assert_not_server_error(response, (path, params))

    @FUZZ
    @given(
        page=st.sampled_from(PAGES),
        raw=st.lists(st.one_of(INVALID_UTF8, JUNK), min_size=1, max_size=4),
    )
    def test_raw_query_strings(self, page, raw):
        # Not urlencoded: invalid UTF-8, lone "%", "=" and "&" as they come.
        path = self.url(page) + "?" + "&".join(f"page={v}" if v else v for v in raw)
        assert_not_server_error(self.client.get(path), path)

    @settings(FUZZ, max_examples=15)
    @given(value=st.one_of(st.sampled_from(["abc", "999999", "-1", "0"]), PAGE))
    def test_pages_of_comments_and_lists(self, value):
        for page in ("/rubrique/{section}/", "/article/{article}/", "/recherche/"):
            path = self.url(page)
            for name in ("page", "commentaires"):
                response = self.client.get(path, {name: value, "q": "article"})
                assert_not_server_error(response, (path, name, value))

    @FUZZ
    @given(q=st.one_of(JUNK, HUGE, st.just("\x00"), st.just("a\x00b" * 100)))
    def test_search_queries(self, q):
        response = self.client.get("/recherche/", {"q": q})
        assert_not_server_error(response, q)


HEADER_VALUE = st.one_of(
    JUNK.filter(lambda v: "\n" not in v and "\r" not in v),
    HUGE,
    st.sampled_from(
        [
            "*",
            "fr-FR,fr;q=0.9,en;q=0.8",
            "xx-YYYY-zzzz;q=abc",
            ";q=",
            "en-" + "a" * 500,
            "W/",
            '"abc", W/"',
            "Thu, 31 Feb 9999 99:99:99 GMT",
            "-1",
            "0.0.0.0, ::1, junk, 999.1.1.1",
            "unix:/tmp/socket",
        ]
    ),
)
HEADERS = [
    "accept-language",
    "accept",
    "accept-encoding",
    "if-none-match",
    "if-modified-since",
    "if-match",
    "if-unmodified-since",
    "range",
    "x-forwarded-for",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-requested-with",
    "referer",
    "user-agent",
    "content-type",
    "origin",
]

COOKIE_NAMES = ["cookie_consent", "omag_consent", "csrftoken", "sessionid", "messages"]
COOKIE_VALUE = st.one_of(
    JUNK.filter(lambda v: not any(c in v for c in ";\r\n")),
    HUGE,
    st.sampled_from(
        [
            "=",
            "a=b=c",
            "statistiques=-1|marketing=2020-01-01",
            "statistiques=9999999999999999999",
            '"',
            "{}",
            '{"v": 1}',
            "x" * 8000,
            "eyJhbGciOi.junk:sig",
            "junk:1abc:def",
        ]
    ),
)


def wsgi(value: str) -> str:
    """A header value as a WSGI server hands it over: the bytes sent (UTF-8
    here) decoded as ISO-8859-1, so any byte sequence, invalid UTF-8 too."""
    return value.encode("utf-8", "surrogatepass").decode("iso-8859-1")


def wsgi_headers(headers: dict) -> dict:
    return {name: wsgi(value) for name, value in headers.items()}


def cookie_header(pairs):
    return wsgi("; ".join(f"{name}={value}" for name, value in pairs))


class HeaderFuzzTests(ReaderSite):
    @FUZZ
    @given(
        page=st.sampled_from(PAGES),
        headers=st.dictionaries(st.sampled_from(HEADERS), HEADER_VALUE, max_size=4),
    )
    def test_junk_headers(self, page, headers):
        # An over-long Content-Type is refused while the test client builds its
        # request; omag/wsgi.py's request class handles it in production
        # (tests/fuzz/test_regressions.py).
        if "content-type" in headers:
            headers["content-type"] = headers["content-type"][:9_000]
        path = self.url(page)
        assert_not_server_error(
            self.client.get(path, headers=wsgi_headers(headers)), (path, headers)
        )

    @FUZZ
    @given(page=st.sampled_from(PAGES), host=HEADER_VALUE)
    @override_settings(ALLOWED_HOSTS=["testserver", "www.omag.example"])
    def test_bad_host(self, page, host):
        path = self.url(page)
        response = self.client.get(path, headers={"host": wsgi(host)})
        assert_not_server_error(response, (path, host))

    @FUZZ
    @given(
        page=st.sampled_from(PAGES),
        cookies=st.lists(
            st.tuples(st.one_of(st.sampled_from(COOKIE_NAMES), TEXT), COOKIE_VALUE),
            max_size=4,
        ),
    )
    def test_junk_cookies(self, page, cookies):
        path = self.url(page)
        response = self.client.get(path, headers={"cookie": cookie_header(cookies)})
        assert_not_server_error(response, (path, cookies))

    @FUZZ
    @given(
        page=st.sampled_from(PAGES),
        method=st.sampled_from(
            ["HEAD", "OPTIONS", "PUT", "DELETE", "PATCH", "POST", "TRACE", "FOO"]
        ),
        body=st.one_of(st.just(""), TEXT, HUGE),
    )
    def test_other_methods(self, page, method, body):
        path = self.url(page)
        response = self.client.generic(method, path, body)
        assert_not_server_error(response, (method, path))


FORM_VALUE = st.one_of(TEXT, HUGE, st.integers().map(str), st.just("\x00"))


@override_settings(COMMENTS_RATE_LIMITS={"ip": (10_000, 60), "email": (10_000, 60)})
class FormFuzzTests(ReaderSite):
    def comment_data(self):
        return {
            "name": "Lectrice",
            "email": "lectrice@example.org",
            "body": "Un commentaire.",
            "parent": "",
            "token": form_token(self.article),
            "website": "",
        }

    @FUZZ
    @given(
        fields=st.dictionaries(
            st.sampled_from(
                ["name", "email", "body", "parent", "token", "website", "from"]
            ),
            FORM_VALUE,
            max_size=4,
        ),
        slug=st.one_of(st.none(), SEGMENT),
    )
    def test_comment_form_post(self, fields, slug):
        data = self.comment_data() | fields
        path = f"/commentaires/article/{slug or self.article.slug}/envoyer/"
        response = self.client.post(path, data)
        assert_not_server_error(response, (path, fields))

    @FUZZ
    @given(
        cookies=st.lists(st.tuples(st.sampled_from(COOKIE_NAMES), COOKIE_VALUE)),
        forwarded=HEADER_VALUE,
        proxies=st.integers(min_value=0, max_value=3),
    )
    def test_comment_post_with_junk_cookies_and_proxies(
        self, cookies, forwarded, proxies
    ):
        client = Client(enforce_csrf_checks=True)
        path = f"/commentaires/article/{self.article.slug}/envoyer/"
        with self.settings(COMMENTS_TRUSTED_PROXIES=proxies):
            response = client.post(
                path,
                self.comment_data(),
                headers={
                    "cookie": cookie_header(cookies),
                    "x-forwarded-for": wsgi(forwarded),
                    "x-csrftoken": wsgi(dict(cookies).get("csrftoken", "junk")),
                },
            )
        assert_not_server_error(response, (cookies, forwarded))

    @FUZZ
    @given(
        body=st.one_of(
            TEXT.map(str.encode),
            HUGE.map(str.encode),
            st.binary(max_size=300),
            st.just(b"%ff=%fe&a=%&choice=accept_all&name=\xff\xfe"),
        ),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "application/json",
                "text/plain; charset=junk",
                "application/x-www-form-urlencoded; charset=utf-16",
            ]
        ),
        path=st.sampled_from(
            [
                "/commentaires/article/{article}/envoyer/",
                "/cookies/choix/",
                "/cookies/audience/",
                "/i18n/setlang/",
                "/admin/login/",
            ]
        ),
    )
    def test_raw_bodies(self, body, content_type, path):
        url = self.url(path)
        # generic() sends the bytes as they are, whatever the charset claims.
        response = self.client.generic("POST", url, body, content_type=content_type)
        assert_not_server_error(response, (url, content_type, body))

    @FUZZ
    @given(
        choice=st.one_of(
            st.sampled_from(["accept_all", "refuse_all", "selection", "embed"]),
            FORM_VALUE,
        ),
        groups=st.lists(
            st.one_of(st.sampled_from(["statistiques", "medias"]), FORM_VALUE),
            max_size=3,
        ),
        ajax=st.booleans(),
        next_url=st.one_of(st.just("/"), FORM_VALUE, st.just("//evil.example/")),
        cookies=st.lists(st.tuples(st.sampled_from(COOKIE_NAMES), COOKIE_VALUE)),
    )
    def test_consent_save(self, choice, groups, ajax, next_url, cookies):
        headers = {"cookie": cookie_header(cookies)}
        if ajax:
            headers["x-requested-with"] = "XMLHttpRequest"
        response = self.client.post(
            "/cookies/choix/",
            {"choice": choice, "groups": groups, "next": next_url},
            headers=headers,
        )
        assert_not_server_error(response, (choice, groups, next_url, cookies))

    @FUZZ
    @given(
        path=FORM_VALUE,
        new=FORM_VALUE,
        cookies=st.lists(st.tuples(st.sampled_from(COOKIE_NAMES), COOKIE_VALUE)),
    )
    def test_audience_ping(self, path, new, cookies):
        headers = {"cookie": cookie_header([*cookies, ("omag_audience", "x")])}
        response = self.client.post(
            "/cookies/audience/", {"path": path, "new": new}, headers=headers
        )
        assert_not_server_error(response, (path, cookies))

    @FUZZ
    @given(language=FORM_VALUE, next_url=FORM_VALUE)
    def test_language_switch(self, language, next_url):
        response = self.client.post(
            "/i18n/setlang/", {"language": language, "next": next_url}
        )
        assert_not_server_error(response, (language, next_url))
