"""The admin login is throttled against password guessing, with a clear
French message, through the shared cache; the admin is never indexed."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from omag.security import LoginThrottle

PASSWORD = "un-mot-de-passe-solide"
LIMITS = {"ip_username": (3, 900), "ip": (5, 900), "username": (8, 3600)}
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/6",
        "KEY_PREFIX": "omag-security-tests",
    }
}


@override_settings(ADMIN_LOGIN_LIMITS=LIMITS)
class AdminLoginThrottleTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_user(
            "editeur", password=PASSWORD, is_staff=True
        )

    def login(self, password, *, username="editeur", ip="203.0.113.7"):
        return self.client.post(
            reverse("admin:login"),
            {"username": username, "password": password, "next": "/admin/"},
            REMOTE_ADDR=ip,
        )

    def test_wrong_passwords_lock_the_account_for_this_address(self):
        """After three failures even the right password is refused, with a
        French message, a 429 and Retry-After; the password is not checked."""
        for _ in range(3):
            response = self.login("mauvais")
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Veuillez compléter correctement")
        response = self.login(PASSWORD)
        self.assertContains(
            response, "Trop de tentatives de connexion échouées", status_code=429
        )
        self.assertContains(response, "réessayez dans 15 minutes", status_code=429)
        self.assertTrue(900 - 5 <= int(response["Retry-After"]) <= 900)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_another_address_can_still_log_in(self):
        """Locking is per address first, so an attacker does not lock the
        newsroom out."""
        for _ in range(3):
            self.login("mauvais", ip="198.51.100.9")
        response = self.login(PASSWORD, ip="203.0.113.7")
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)

    def test_one_address_guessing_many_accounts_is_stopped(self):
        for number in range(5):
            self.login("mauvais", username=f"inconnu{number}")
        response = self.login(PASSWORD)
        self.assertEqual(response.status_code, 429)

    def test_a_success_clears_this_address_count(self):
        """An editor who mistyped twice starts afresh once logged in."""
        self.login("mauvais")
        self.login("mauvais")
        self.assertEqual(self.login(PASSWORD).status_code, 302)
        self.client.logout()
        self.login("mauvais")
        self.login("mauvais")
        self.assertEqual(self.login(PASSWORD).status_code, 302)

    def test_the_lock_ends_with_the_window(self):
        throttle = LoginThrottle(ip="203.0.113.7", username="editeur")
        for _ in range(3):
            throttle.record_failure()
        self.assertGreater(throttle.retry_after(), 0)
        for key in throttle.keys.values():
            cache.set(key + ":until", cache.get(key + ":until") - 901)
        self.assertEqual(throttle.retry_after(), 0)

    def test_account_names_are_counted_whatever_their_case(self):
        for username in ("Editeur", "EDITEUR", " editeur"):
            self.login("mauvais", username=username)
        self.assertEqual(self.login(PASSWORD).status_code, 429)

    def test_the_admin_is_not_indexable(self):
        response = self.client.get(reverse("admin:login"))
        self.assertEqual(response["X-Robots-Tag"], "noindex, nofollow")
        robots = self.client.get(reverse("articles:robots_txt"))
        self.assertContains(robots, "Disallow: /admin/")


@pytest.mark.django_db
def test_the_count_is_shared_through_redis(settings, client):
    """With Redis (production), another process sees the same failures: a
    second client (another gunicorn worker's view of the cache) is refused."""
    pytest.importorskip("redis")
    settings.CACHES = REDIS_CACHE
    settings.ADMIN_LOGIN_LIMITS = LIMITS
    try:
        caches["default"].clear()
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"Redis not reachable on 127.0.0.1:6379: {error}")
    User.objects.create_user("editeur", password=PASSWORD, is_staff=True)
    for _ in range(3):
        client.post(
            reverse("admin:login"),
            {"username": "editeur", "password": "mauvais"},
            REMOTE_ADDR="203.0.113.7",
        )
    import redis

    raw = redis.Redis.from_url("redis://127.0.0.1:6379/6")
    assert raw.keys("omag-security-tests:*admin-login:fail:*")
    other = Client()
    response = other.post(
        reverse("admin:login"),
        {"username": "editeur", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 429
    caches["default"].clear()


CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens there: the cache is down.
        "LOCATION": "redis://127.0.0.1:9/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
}


class CacheDownTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        User.objects.create_user("editeur", password=PASSWORD, is_staff=True)

    def test_editors_can_still_log_in_and_the_outage_is_logged(self):
        """A cache outage must not lock the newsroom out: passwords alone."""
        with (
            self.settings(CACHES=CACHE_DOWN),
            self.assertLogs("omag.security", "WARNING") as logs,
        ):
            response = self.client.post(
                reverse("admin:login"),
                {"username": "editeur", "password": PASSWORD, "next": "/admin/"},
            )
        self.assertRedirects(response, "/admin/", fetch_redirect_response=False)
        self.assertIn("admin login throttle skipped", logs.output[0])
