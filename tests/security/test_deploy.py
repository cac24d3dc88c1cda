"""Production settings pass `manage.py check --deploy`, each warning left
explained, and keep local development (DEBUG on, plain HTTP) working."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k3y-for-the-deploy-check-only-9f8e7d6c5b4a3210zyxwvutsrqponmlk",
    "ALLOWED_HOSTS": "www.omag.example",
    "REDIS_URL": "redis://127.0.0.1:6379/6",
}

# HSTS for every subdomain and the browsers' preload list bind the whole
# domain for a year: the operator opts in (SECURE_HSTS_INCLUDE_SUBDOMAINS,
# SECURE_HSTS_PRELOAD), see README "Security".
EXPLAINED = {"security.W005", "security.W021"}

OVERRIDDEN = {
    "HTTPS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "COOKIE_CONSENT_SECURE",
    "SECURE_REFERRER_POLICY",
    "CSP_FRAME_SRC",
    "CSP_REPORT_URI",
    "DATABASE_URL",
}


def run(args, *, python=False, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in OVERRIDDEN | set(PRODUCTION) and not k.startswith("DJANGO_")
    }
    environment["DJANGO_SETTINGS_MODULE"] = "omag.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, *(["-c"] if python else ["manage.py"]), *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def warning_ids(output: str) -> set[str]:
    return set(re.findall(r"\(([\w.]+\.[WE]\d+)\)", output))


def settings_value(expression: str, **env) -> str:
    result = run(
        [f"from django.conf import settings; print({expression})"],
        python=True,
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_settings_pass_the_deploy_check():
    """Only the explained HSTS warnings are left, and they go when opted in."""
    result = run(["check", "--deploy"], **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert warning_ids(result.stderr + result.stdout) == EXPLAINED

    opted_in = run(
        ["check", "--deploy", "--fail-level", "WARNING"],
        **PRODUCTION,
        SECURE_HSTS_INCLUDE_SUBDOMAINS="true",
        SECURE_HSTS_PRELOAD="true",
    )
    assert opted_in.returncode == 0, opted_in.stderr
    assert warning_ids(opted_in.stderr + opted_in.stdout) == set()


def test_a_cache_per_process_is_reported_in_production():
    """Without Redis, login throttling is not shared between processes."""
    production = PRODUCTION | {"REDIS_URL": ""}
    result = run(["check", "--deploy"], **production)
    assert "omag.W001" in warning_ids(result.stderr + result.stdout)


def test_production_defaults_are_https_with_secure_cookies():
    values = settings_value(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.COOKIE_CONSENT_SECURE, settings.LANGUAGE_COOKIE_SECURE, "
        "settings.SESSION_COOKIE_SAMESITE, settings.CSRF_COOKIE_SAMESITE, "
        "settings.COOKIE_CONSENT_SAMESITE, settings.SECURE_REFERRER_POLICY, "
        "'upgrade-insecure-requests' in __import__('django.utils.csp').utils.csp"
        ".build_policy(settings.SECURE_CSP)",
        **PRODUCTION,
    )
    assert values == (
        "True 31536000 True True True True Lax Lax Lax "
        "strict-origin-when-cross-origin True"
    )


def test_a_proxy_header_and_overrides_come_from_the_environment():
    values = settings_value(
        "settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_SSL_REDIRECT",
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
        SECURE_HSTS_SECONDS="3600",
        SECURE_SSL_REDIRECT="false",
    )
    assert values == "('HTTP_X_FORWARDED_PROTO', 'https') 3600 False"


def test_plain_http_with_production_settings_when_told():
    """HTTPS=false (a benchmark on 127.0.0.1): no redirect, no Secure cookie."""
    values = settings_value(
        "settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.COOKIE_CONSENT_SECURE",
        **PRODUCTION,
        HTTPS="false",
    )
    assert values == "False 0 False False"


def test_local_development_stays_on_plain_http():
    """`make run`: DEBUG on, http://127.0.0.1:8000, cookies without Secure."""
    values = settings_value(
        "settings.DEBUG, settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS, "
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE",
    )
    assert values == "True False 0 False False"
