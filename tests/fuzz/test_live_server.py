"""What the test client cannot send: raw bytes on the wire to a real server on
127.0.0.1 (invalid UTF-8 and control characters in the request line and the
headers). The answer is a page or a 4xx, never a 500, and the server keeps
serving."""

import re
import socket
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_article

RAW = st.one_of(
    st.binary(min_size=1, max_size=40).filter(
        lambda b: not any(c in b for c in b" \r\n")
    ),
    st.sampled_from(
        [b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\x00", b"\x7f", b"%ff", b"\xe9t\xe9"]
    ),
)
PATHS = [
    b"/",
    b"/article/{slug}/",
    b"/rubrique/{section}/",
    b"/recherche/",
    b"/cookies/",
    b"/commentaires/article/{slug}/etat/",
    b"/flux/rss/",
    b"/sitemap.xml",
]
HEADERS = [
    b"Cookie: cookie_consent=",
    b"Cookie: omag_consent=",
    b"Cookie: csrftoken=",
    b"Cookie: sessionid=",
    b"Accept-Language: ",
    b"If-None-Match: ",
    b"If-Modified-Since: ",
    b"X-Forwarded-For: ",
    b"Referer: http://",
    b"User-Agent: ",
]
STATUS_LINE = re.compile(rb"^HTTP/1\.[01] (\d{3}) ")


def exchange(address, request: bytes) -> int:
    """Send one raw request; the status the server answers."""
    with socket.create_connection(address, timeout=10) as conn:
        conn.sendall(request)
        answer = b""
        while b"\r\n" not in answer:
            chunk = conn.recv(4096)
            if not chunk:
                break
            answer += chunk
    found = STATUS_LINE.match(answer)
    assert found, f"no HTTP answer to {request!r}: {answer[:200]!r}"
    return int(found.group(1))


@pytest.fixture
def site(live_server):
    article = make_article()
    netloc = urlsplit(live_server.url)
    return {
        "address": (netloc.hostname, netloc.port),
        "slug": article.slug.encode(),
        "section": article.section.slug.encode(),
    }


def request_bytes(method, target, headers=()):
    host = [] if any(h.startswith(b"Host:") for h in headers) else [b"Host: 127.0.0.1"]
    lines = [method + b" " + target + b" HTTP/1.1", *host, *headers]
    return b"\r\n".join([*lines, b"Connection: close", b"", b""])


def page(site, template: bytes) -> bytes:
    return template.replace(b"{slug}", site["slug"]).replace(
        b"{section}", site["section"]
    )


LIVE = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.django_db(transaction=True)
@LIVE
@given(
    template=st.sampled_from(PATHS),
    junk=RAW,
    where=st.sampled_from(["path", "query", "page"]),
)
def test_invalid_bytes_in_the_request_line(site, template, junk, where):
    target = page(site, template)
    if where == "path":
        target += junk
    elif where == "query":
        target += b"?q=" + junk
    else:
        target += b"?page=" + junk + b"&commentaires=" + junk
    status = exchange(site["address"], request_bytes(b"GET", target))
    assert status < 500, (target, status)


@pytest.mark.django_db(transaction=True)
@LIVE
@given(template=st.sampled_from(PATHS), header=st.sampled_from(HEADERS), junk=RAW)
def test_invalid_bytes_in_headers(site, template, header, junk):
    request = request_bytes(b"GET", page(site, template), [header + junk])
    status = exchange(site["address"], request)
    assert status < 500, (header + junk, status)


@pytest.mark.django_db(transaction=True)
def test_malformed_requests_get_a_4xx_and_the_server_keeps_serving(site):
    article = page(site, b"/article/{slug}/")
    for request in [
        request_bytes(b"GET", b"/\xff\xfe/\x00"),
        request_bytes(b"GET", b"/" + b"a" * 70_000),
        request_bytes(b"GET", article, [b"Cookie: " + b"x=" + b"y" * 70_000]),
        request_bytes(b"GET", b"/", [b"Host: \xff\xfe"]),
        request_bytes(b"GET", b"/", [b"Host: " + b"a" * 300]),
        request_bytes(b"G\xffT", b"/"),
        request_bytes(b"HEAD", article),
        request_bytes(b"OPTIONS", article),
        request_bytes(b"DELETE", article),
        request_bytes(
            b"POST", page(site, b"/commentaires/article/{slug}/envoyer/")
        ).replace(b"Connection: close", b"Content-Length: 5\r\nConnection: close")
        + b"\xff\xfe=\x00",
    ]:
        status = exchange(site["address"], request)
        assert status < 500, (request[:100], status)
    assert exchange(site["address"], request_bytes(b"GET", article)) == 200
