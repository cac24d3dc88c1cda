"""Server errors the fuzzing found, each pinned by the smallest request."""

import io

import pytest

from articles.pagination import MAX_OFFSET
from tests.factories import make_article


@pytest.mark.django_db
@pytest.mark.parametrize("page", [str(MAX_OFFSET), "9" * 30, str(2**63 // 12 + 1)])
def test_a_page_number_beyond_the_database_integers_is_not_found(client, page):
    article = make_article()
    response = client.get(article.section.get_absolute_url(), {"page": page})
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_last_page_number_the_database_can_offset_is_an_ordinary_404(client):
    article = make_article()
    response = client.get(
        article.section.get_absolute_url(), {"page": str(MAX_OFFSET // 12)}
    )
    assert response.status_code == 404


@pytest.mark.django_db  # the 404 page lists the sections
@pytest.mark.parametrize("name", ["x" * 300, "a%00b", "dir/" + "y" * 4096])
def test_a_media_name_the_file_system_refuses_is_not_found(client, settings, name):
    settings.SERVE_MEDIA = True
    response = client.get(f"/media/{name}")
    assert response.status_code == 404


def _call_wsgi(method, content_type, body=b""):
    from omag.wsgi import application

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/robots.txt",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    started = []
    chunks = application(environ, lambda status, headers: started.append(status))
    b"".join(chunks)
    chunks.close()
    return int(started[0].split()[0])


@pytest.mark.django_db(transaction=True)
def test_an_over_long_content_type_is_ignored_not_a_server_error():
    # Through the production entry point: Django's test client builds its own
    # request object and cannot show this one.
    assert _call_wsgi("GET", "text/html; " + "x" * 10_001) == 200
    assert _call_wsgi("POST", "x" * 20_000, b"a=b") == 403  # no CSRF token


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["¹", "٣", "9" * 5000])
def test_a_page_number_int_refuses_is_no_server_error(client, page):
    # "¹".isdigit() is true but int("¹") fails; int() refuses 4,300+ digits.
    article = make_article()
    for url in (article.get_absolute_url(), article.section.get_absolute_url()):
        response = client.get(url, {"page": page})
        assert response.status_code in (200, 404)
        assert b"?page=" not in response.content.split(b"canonical")[1][:200]


@pytest.mark.django_db
def test_only_ascii_page_numbers_make_a_cached_page(client):
    from omag.pagecache import _is_eligible

    article = make_article()
    url = article.section.get_absolute_url()
    assert _is_eligible(client.get(url, {"page": "1"}).wsgi_request)
    assert not _is_eligible(client.get(url, {"page": "¹"}).wsgi_request)
