"""Django set up in this process for the in-process measuring scripts
(cpu.py, profile_page.py, nodes.py): production settings (DEBUG off), plain
HTTP as the test client speaks it, the database of DATABASE_URL."""

import os
import sys
from pathlib import Path


def setup(*, page_cache: bool = True) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omag.settings")
    os.environ.setdefault("DEBUG", "false")
    if not page_cache:
        os.environ.setdefault("PAGE_CACHE", "false")
    os.environ.setdefault(
        "SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("HTTPS", "false")

    import django

    django.setup()
