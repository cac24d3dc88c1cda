"""With production's cookie settings (HTTPS), every cookie the site sets is
Secure and SameSite=Lax; those scripts never read are HttpOnly."""

from django.contrib.auth.models import User
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.consent.helpers import decide

PASSWORD = "un-mot-de-passe-solide"


@override_settings(
    SESSION_COOKIE_SECURE=True,
    CSRF_COOKIE_SECURE=True,
    COOKIE_CONSENT_SECURE=True,
    LANGUAGE_COOKIE_SECURE=True,
    SECURE_SSL_REDIRECT=False,  # the test client speaks HTTP
)
class SecureCookiesTests(TestCase):
    def assertSecureLax(self, cookie, *, httponly):
        self.assertTrue(cookie["secure"], cookie.key)
        self.assertEqual(cookie["samesite"], "Lax", cookie.key)
        self.assertEqual(bool(cookie["httponly"]), httponly, cookie.key)

    def test_consent_cookies(self):
        response = decide(self.client, "refuse_all")
        self.assertEqual(response.status_code, 200)
        for name in ("cookie_consent", "omag_consent"):
            self.assertSecureLax(response.cookies[name], httponly=True)

    def test_session_and_csrf_cookies(self):
        User.objects.create_user("editeur", password=PASSWORD, is_staff=True)
        login = self.client.get(reverse("admin:login"))
        # comments.js and consent.js read the CSRF token from its cookie.
        self.assertSecureLax(login.cookies["csrftoken"], httponly=False)
        response = self.client.post(
            reverse("admin:login"), {"username": "editeur", "password": PASSWORD}
        )
        self.assertSecureLax(response.cookies["sessionid"], httponly=True)

    def test_language_cookie(self):
        response = self.client.post(reverse("set_language"), {"language": "en"})
        self.assertSecureLax(response.cookies["django_language"], httponly=False)
