import uuid

from cookie_consent.models import Cookie, CookieGroup, LogItem
from django.test import TestCase
from django.urls import reverse

from consent.conf import settings
from consent.models import ConsentRecord

from .helpers import FETCH, decide, status


class StatusTests(TestCase):
    def test_first_visit_needs_a_choice_and_nothing_is_active(self):
        data = status(self.client)
        self.assertTrue(data["needsChoice"])
        self.assertEqual(data["activeCookieGroups"], [])
        self.assertEqual(
            data["notAcceptedOrDeclinedCookieGroups"], ["audience", "external_media"]
        )
        self.assertTrue(data["csrftoken"])

    def test_status_is_never_cached(self):
        response = self.client.get(reverse("consent:status"))
        self.assertIn("no-store", response["Cache-Control"])

    def test_status_sets_no_optional_cookie(self):
        response = self.client.get(reverse("consent:status"))
        self.assertLessEqual(set(response.cookies), {"csrftoken"})


class DecisionTests(TestCase):
    def test_accept_all(self):
        """Every optional group accepted, recorded with the version shown."""
        data = decide(self.client, "accept_all").json()
        self.assertEqual(data["activeCookieGroups"], ["audience", "external_media"])
        self.assertFalse(data["needsChoice"])
        record = ConsentRecord.objects.get()
        self.assertEqual(record.choices, {"audience": True, "external_media": True})
        self.assertEqual(record.source, "accept_all")
        self.assertEqual(len(record.version), 64)
        self.assertEqual(
            status(self.client)["activeCookieGroups"], data["activeCookieGroups"]
        )

    def test_refuse_all_is_as_short_as_accept_all(self):
        """One request, same shape as accepting; the banner is not asked again."""
        data = decide(self.client, "refuse_all").json()
        self.assertEqual(data["activeCookieGroups"], [])
        self.assertEqual(data["declinedCookieGroups"], ["audience", "external_media"])
        self.assertFalse(status(self.client)["needsChoice"])
        self.assertEqual(
            ConsentRecord.objects.get().choices,
            {"audience": False, "external_media": False},
        )

    def test_dismissing_the_banner_refuses(self):
        data = decide(self.client, "dismissed").json()
        self.assertEqual(data["activeCookieGroups"], [])
        self.assertFalse(data["needsChoice"])
        self.assertEqual(ConsentRecord.objects.get().source, "dismissed")

    def test_selection(self):
        data = decide(self.client, "selection", ["audience"]).json()
        self.assertEqual(data["activeCookieGroups"], ["audience"])
        self.assertEqual(data["declinedCookieGroups"], ["external_media"])

    def test_embed_accepts_external_media_and_leaves_the_rest_pending(self):
        data = decide(self.client, "embed").json()
        self.assertEqual(data["activeCookieGroups"], ["external_media"])
        self.assertEqual(data["notAcceptedOrDeclinedCookieGroups"], ["audience"])
        self.assertTrue(data["needsChoice"])
        self.assertEqual(ConsentRecord.objects.get().choices, {"external_media": True})

    def test_package_log_items_are_written(self):
        decide(self.client, "selection", ["audience"])
        self.assertEqual(
            sorted(LogItem.objects.values_list("cookiegroup__varname", "action")),
            [("audience", 1), ("external_media", -1)],
        )

    def test_consent_id_is_random_essential_and_kept_across_decisions(self):
        response = decide(self.client, "accept_all")
        cookie = response.cookies[settings.CONSENT_COOKIE_NAME]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["max-age"], settings.CONSENT_MAX_AGE)
        decide(self.client, "refuse_all")
        ids = set(ConsentRecord.objects.values_list("consent_id", flat=True))
        self.assertEqual(len(ids), 1)
        self.assertEqual(uuid.UUID(cookie.value.split(".")[0]), ids.pop())

    def test_choice_is_remembered_six_months(self):
        response = decide(self.client, "accept_all")
        six_months = 60 * 60 * 24 * 182
        self.assertEqual(response.cookies["cookie_consent"]["max-age"], six_months)
        self.assertEqual(response.cookies["omag_consent"]["max-age"], six_months)

    def test_withdrawal_deletes_the_groups_cookies(self):
        decide(self.client, "accept_all")
        self.client.cookies["omag_audience"] = "abc"
        response = decide(self.client, "refuse_all")
        self.assertEqual(response.cookies["omag_audience"]["max-age"], 0)

    def test_asked_again_when_a_cookie_is_added(self):
        decide(self.client, "accept_all")
        Cookie.objects.create(
            cookiegroup=CookieGroup.objects.get(varname="audience"), name="nouveau"
        )
        data = status(self.client)
        self.assertTrue(data["needsChoice"])
        self.assertNotIn("audience", data["activeCookieGroups"])

    def test_asked_again_when_a_group_text_changes(self):
        decide(self.client, "accept_all")
        group = CookieGroup.objects.get(varname="external_media")
        group.description = "Nouveau texte"
        group.save()
        data = status(self.client)
        self.assertTrue(data["needsChoice"])
        self.assertEqual(data["activeCookieGroups"], [])

    def test_asked_again_without_our_consent_cookie(self):
        """The choice expires with its cookies (six months)."""
        decide(self.client, "accept_all")
        del self.client.cookies["omag_consent"]
        self.assertTrue(status(self.client)["needsChoice"])

    def test_tampered_consent_cookie_is_ignored(self):
        self.client.cookies["omag_consent"] = "pas-un-uuid.123"
        self.assertTrue(status(self.client)["needsChoice"])
        decide(self.client, "refuse_all")
        self.assertEqual(ConsentRecord.objects.count(), 1)

    def test_unknown_choice_is_refused_in_french(self):
        response = decide(self.client, "tout")
        self.assertEqual(response.status_code, 400)
        self.assertIn("Ce choix n'existe pas.", str(response.json()))
        self.assertFalse(ConsentRecord.objects.exists())

    def test_unknown_group_is_refused_in_french(self):
        response = decide(self.client, "selection", ["publicite"])
        self.assertEqual(response.status_code, 400)
        self.assertIn("publicite", str(response.json()))

    def test_get_is_not_allowed(self):
        self.assertEqual(self.client.get(reverse("consent:save")).status_code, 405)

    def test_csrf_is_enforced(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        response = client.post(
            reverse("consent:save"), {"choice": "accept_all"}, **FETCH
        )
        self.assertEqual(response.status_code, 403)
        token = status(client)["csrftoken"]
        response = client.post(
            reverse("consent:save"),
            {"choice": "accept_all", "csrfmiddlewaretoken": token},
            **FETCH,
        )
        self.assertEqual(response.status_code, 200)


class CookiePageTests(TestCase):
    """The no-JavaScript path: a server-rendered page with a working form."""

    def test_page_lists_groups_and_cookies(self):
        response = self.client.get(reverse("consent:settings"))
        self.assertContains(response, "<h1", count=1)
        for text in (
            "Essentiels",
            "Mesure d&#x27;audience",
            "Médias externes",
            "Toujours actifs",
            "ne peuvent pas être désactivés",
            "omag_audience",
            "13 mois",
            "YouTube (Google)",
            "Enregistrer la sélection",
            "Tout refuser",
            "Tout accepter",
        ):
            self.assertContains(response, text)
        self.assertNotContains(response, "checked")
        self.assertIn("no-store", response["Cache-Control"])

    def test_page_query_count(self):
        self.client.get(reverse("consent:settings"))
        with self.assertNumQueries(3):
            # Section nav, groups, cookies joined to their details; the
            # package's optional groups and our version hash come from the cache.
            self.client.get(reverse("consent:settings"))

    def test_form_post_redirects_with_a_message_and_shows_the_choice(self):
        response = self.client.post(
            reverse("consent:save"), {"choice": "selection", "groups": ["audience"]}
        )
        self.assertRedirects(
            response, reverse("consent:settings"), fetch_redirect_response=False
        )
        page = self.client.get(reverse("consent:settings"))
        self.assertContains(page, "Vos choix de cookies sont enregistrés.")
        self.assertContains(
            page, 'value="audience" aria-describedby="desc-audience" checked'
        )
        self.assertContains(page, str(ConsentRecord.objects.get().consent_id))

    def test_form_post_returns_to_a_local_next_only(self):
        response = self.client.post(
            reverse("consent:save"), {"choice": "refuse_all", "next": "/international/"}
        )
        self.assertRedirects(response, "/international/", fetch_redirect_response=False)
        response = self.client.post(
            reverse("consent:save"),
            {"choice": "refuse_all", "next": "https://evil.example/"},
        )
        self.assertRedirects(response, reverse("consent:settings"))

    def test_invalid_form_post_rerenders_with_french_errors(self):
        response = self.client.post(reverse("consent:save"), {"groups": ["audience"]})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Indiquez votre choix.", status_code=400)
        self.assertContains(response, "<form", status_code=400)

    def test_panel_is_the_form_alone(self):
        response = self.client.get(reverse("consent:panel"))
        self.assertContains(response, 'id="panel-group-audience"')
        self.assertNotContains(response, "<html")
        self.assertIn("no-store", response["Cache-Control"])

    def test_english_interface(self):
        response = self.client.get("/en/cookies/")
        self.assertContains(response, "Cookie settings")
        self.assertContains(response, "Audience measurement")
        self.assertContains(response, "Save selection")
        self.assertContains(response, "Refuse all")
        self.assertContains(response, 'action="/en/cookies/choix/"')


class PerReaderEndpointsTests(TestCase):
    def test_per_reader_endpoints_are_never_cached(self):
        """They answer one reader's cookies: no shared cache may keep them."""
        responses = [
            self.client.get(reverse("consent:status")),
            self.client.get(reverse("consent:settings")),
            self.client.get(reverse("consent:panel")),
            decide(self.client, "refuse_all"),
            self.client.post(reverse("consent:audience"), {"path": "/"}),
        ]
        for response in responses:
            with self.subTest(url=response.wsgi_request.path):
                self.assertIn("no-store", response["Cache-Control"])
                self.assertIn("private", response["Cache-Control"])
