"""The Nu HTML Checker (vnu.jar, installed by `make vnu` from the npm registry)
finds no error in the reader pages.

Without Java or vnu.jar the test is skipped locally, but fails when
OMAG_REQUIRE_BROWSER or CI is set, so CI never skips it silently."""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import TestCase
from django.urls import reverse

from tests.factories import make_article, make_author, make_section, make_tag, now

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = Path(
    os.environ.get("VNU_JAR")
    or ROOT / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = None
    if not java:
        missing = "Java not found (apt-get install default-jre-headless)"
    elif not VNU_JAR.exists():
        missing = f"{VNU_JAR} not found (make vnu)"
    if missing:
        if os.environ.get("OMAG_REQUIRE_BROWSER") or os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    return [java, "-Xss2m", "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


class HtmlValidityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(
            name="International",
            slug="international",
            description="L'actualité du monde & des crises.",
        )
        authors = [
            make_author(display_name="Claire Dumont", bio="Correspondante."),
            make_author(display_name="Paul Martin"),
        ]
        tags = [make_tag(name="Russie"), make_tag(name="Ukraine")]
        others = [
            make_article(
                title=f"Sommet numéro {n}",
                section=cls.section,
                authors=authors,
                image=n == 0,
            )
            for n in range(3)
        ]
        cls.article = make_article(
            title="La Russie retire une partie de ses troupes en Crimée",
            standfirst="Moscou annonce un retrait partiel « sous conditions ».",
            body=(
                "<p>Le Kremlin a décidé de retirer une partie de ses troupes.</p>"
                "<h2>Une annonce prudente</h2><p>Les <em>négociations</em> "
                "se poursuivent.</p>"
            ),
            section=cls.section,
            authors=authors,
            tags=tags,
            related=others[:2],
            image=True,
            updated_at=now(),
            published_at=now() - timedelta(hours=3),
            update_note="Précision sur le calendrier.",
        )
        cls.author = authors[0]
        cls.tag = tags[0]

    def test_reader_pages_have_no_html_errors(self):
        command = vnu_command()
        pages = {
            "home": reverse("articles:home"),
            "section": self.section.get_absolute_url(),
            "article": self.article.get_absolute_url(),
            "author": self.author.get_absolute_url(),
            "tag": self.tag.get_absolute_url(),
            "search": reverse("articles:search") + "?q=troupes",
            "search-empty": reverse("articles:search"),
            "search-nothing": reverse("articles:search") + "?q=xqzwvk",
            "search-too-long": reverse("articles:search") + "?q=" + "x" * 300,
            "not-found": "/article/nulle-part/",
            "english-article": "/en" + self.article.get_absolute_url(),
        }
        out = Path(self._testMethodName)
        folder = Path(self.tmp_dir) / out
        folder.mkdir()
        files = []
        for name, url in pages.items():
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 400, 404), url)
            path = folder / f"{name}.html"
            path.write_bytes(response.content)
            files.append(str(path))
        result = subprocess.run(
            [*command, *files], capture_output=True, text=True, timeout=300
        )
        messages = json.loads(result.stderr or result.stdout)["messages"]
        errors = [
            f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
            f" «{m.get('extract', '')}»"
            for m in messages
            if m["type"] in ("error", "non-document-error")
        ]
        self.assertEqual(errors, [], "\n".join(errors))

    @pytest.fixture(autouse=True)
    def _tmp_dir(self, tmp_path):
        self.tmp_dir = tmp_path
