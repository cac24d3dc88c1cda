from cookie_consent.models import Cookie, CookieGroup
from django.test import TestCase, override_settings

from consent.models import CookieDetails
from consent.state import current_version, groups_for_display


class SeededGroupsTests(TestCase):
    def test_three_groups_seeded_by_the_data_migration(self):
        """Essentiels (required, not deletable), then the two optional groups."""
        groups = list(groups_for_display())
        self.assertEqual(
            [(g.varname, g.name, g.is_required) for g in groups],
            [
                ("essential", "Essentiels", True),
                ("audience", "Mesure d'audience", False),
                ("external_media", "Médias externes", False),
            ],
        )
        self.assertFalse(groups[0].is_deletable)

    def test_essential_group_lists_session_csrf_and_consent_cookies(self):
        names = set(
            Cookie.objects.filter(cookiegroup__varname="essential").values_list(
                "name", flat=True
            )
        )
        self.assertLessEqual(
            {"sessionid", "csrftoken", "cookie_consent", "omag_consent"}, names
        )

    def test_every_cookie_has_purpose_lifetime_and_provider(self):
        for cookie in Cookie.objects.select_related("details"):
            with self.subTest(cookie=cookie.name):
                self.assertTrue(cookie.description)
                self.assertTrue(cookie.details.provider)
                self.assertTrue(cookie.details.lifetime)

    def test_external_media_lists_the_embed_providers(self):
        providers = set(
            CookieDetails.objects.filter(
                cookie__cookiegroup__varname="external_media"
            ).values_list("provider", flat=True)
        )
        self.assertEqual(
            providers,
            {"YouTube (Google)", "Vimeo", "X (Twitter)", "Instagram (Meta)"},
        )

    def test_display_query_count_is_fixed(self):
        """Groups, then cookies joined to their details: two queries, however many."""
        with self.assertNumQueries(2):
            for group in groups_for_display():
                for cookie in group.cookie_set.all():
                    getattr(cookie, "details", None)


class VersionTests(TestCase):
    def test_version_changes_when_a_cookie_is_added(self):
        before = current_version()
        Cookie.objects.create(
            cookiegroup=CookieGroup.objects.get(varname="audience"),
            name="omag_new",
            description="Nouveau",
        )
        self.assertNotEqual(current_version(), before)

    def test_version_changes_when_a_group_text_changes(self):
        before = current_version()
        group = CookieGroup.objects.get(varname="audience")
        group.description = "Autre description"
        group.save()
        self.assertNotEqual(current_version(), before)

    def test_version_changes_when_a_cookie_lifetime_changes(self):
        before = current_version()
        details = CookieDetails.objects.get(cookie__name="omag_audience")
        details.lifetime = "6 mois"
        details.save()
        self.assertNotEqual(current_version(), before)

    def test_version_changes_with_the_texts_version(self):
        before = current_version()
        with override_settings(CONSENT_TEXTS_VERSION="autre"):
            from django.core.cache import cache

            cache.clear()
            self.assertNotEqual(current_version(), before)

    def test_version_is_cached(self):
        current_version()
        with self.assertNumQueries(0):
            current_version()
