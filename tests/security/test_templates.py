"""No template of the project holds an inline script or event handler, so the
CSP needs no 'unsafe-inline' for scripts (reader pages and admin overrides);
reader templates hold no inline style either (their style-src is 'self')."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = sorted(
    path
    for folder in ("templates", "articles", "comments", "consent", "omag")
    for path in (ROOT / folder).rglob("*.html")
)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
# Data blocks browsers never run: CSP does not apply to them.
DATA_TYPES = ('type="application/ld+json"', 'type="text/plain"', "application/json")
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def test_templates_are_found():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_script_or_handler(path):
    text = path.read_text()
    for tag in SCRIPT_TAG.findall(text):
        assert " src=" in tag or any(kind in tag for kind in DATA_TYPES), tag
    assert not HANDLER.search(text), HANDLER.search(text).group(0)
    assert not JAVASCRIPT_URL.search(text)


@pytest.mark.parametrize(
    "path",
    [path for path in TEMPLATES if "admin" not in path.relative_to(ROOT).parts],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_reader_templates_have_no_inline_style(path):
    assert not INLINE_STYLE.search(path.read_text())
