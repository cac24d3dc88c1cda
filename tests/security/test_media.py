"""Uploaded media is never served as HTML or SVG: its type comes from an
allowlist, the browser may not sniff it, and anything else is a download."""

import pytest
from django.urls import reverse

from tests.factories import image_file

pytestmark = pytest.mark.django_db  # 404 pages show the section navigation


@pytest.fixture(autouse=True)
def _serve_media(settings):
    settings.SERVE_MEDIA = True


def put(media_root, name, content: bytes):
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return reverse("media", args=[name])


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("articles/2026/11/photo.jpg", "image/jpeg"),
        ("articles/2026/11/photo.JPEG", "image/jpeg"),
        ("articles/2026/11/photo.png", "image/png"),
        ("articles/2026/11/photo-640.webp", "image/webp"),
    ],
)
def test_images_are_served_with_their_type_and_nosniff(
    client, media_root, name, content_type
):
    url = put(media_root, name, image_file().read())
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert not response.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize(
    "name",
    ["evil.html", "evil.svg", "evil.svgz", "evil.xml", "evil.js", "evil", "a.pdf"],
)
def test_anything_else_is_an_inert_download(client, media_root, name):
    script = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    response = client.get(put(media_root, name, script))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Encoding" not in response


def test_html_named_like_an_image_stays_an_image(client, media_root):
    """With nosniff, a browser never renders image/png as a page."""
    response = client.get(put(media_root, "x.png", b"<html><script>alert(1)"))
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_paths_outside_media_and_missing_files_are_404(client, media_root):
    for path in ("/media/../omag/settings.py", "/media/%2e%2e/omag/settings.py"):
        assert client.get(path).status_code in (400, 404)
    assert client.get("/media/absent.jpg").status_code == 404


def test_media_is_not_served_by_django_unless_told(client, media_root, settings):
    settings.SERVE_MEDIA = False
    url = put(media_root, "photo.jpg", image_file().read())
    assert client.get(url).status_code == 404


def test_the_editorial_form_refuses_svg_and_html_uploads():
    """Uploads are judged by content (articles/forms.py): only JPEG, PNG, WebP."""
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.forms import validate_lead_image

    for name, content in (
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("x.jpg", b"<html><script>alert(1)</script></html>"),
    ):
        with pytest.raises(ValidationError):
            validate_lead_image(SimpleUploadedFile(name, content))
    validate_lead_image(SimpleUploadedFile("ok.webp", image_file(fmt="WEBP").read()))
