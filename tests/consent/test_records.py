import uuid
from datetime import timedelta
from io import StringIO

from cookie_consent.models import Cookie, LogItem
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentRecord

from .helpers import decide

CHANGELIST = reverse("admin:consent_consentrecord_changelist")


def make_record(**overrides):
    fields = {
        "consent_id": uuid.uuid4(),
        "choices": {"audience": True, "external_media": False},
        "version": "a" * 64,
        "source": ConsentRecord.Source.SELECTION,
        "language": "fr",
    }
    fields.update(overrides)
    return ConsentRecord.objects.create(**fields)


class ProofAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = User.objects.create_user("editeur", password="x", is_staff=True)
        cls.editor.groups.add(Group.objects.get(name="Éditeur"))
        cls.reader_id = uuid.uuid4()
        cls.mine = [make_record(consent_id=cls.reader_id) for _ in range(3)]
        cls.others = [make_record() for _ in range(4)]

    def setUp(self):
        self.client.force_login(self.editor)

    def test_editors_find_a_readers_records_by_consent_id(self):
        for term in (str(self.reader_id), self.reader_id.hex, f" {self.reader_id} "):
            with self.subTest(term=term):
                response = self.client.get(CHANGELIST, {"q": term})
                self.assertEqual(response.context["cl"].result_count, 3)

    def test_bad_search_finds_nothing_without_error(self):
        response = self.client.get(CHANGELIST, {"q": "pas-un-id"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["cl"].result_count, 0)

    def test_export_csv(self):
        response = self.client.post(
            CHANGELIST + f"?q={self.reader_id}",
            {
                "action": "export_csv",
                "_selected_action": [r.pk for r in self.mine],
            },
        )
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        lines = response.content.decode().strip().splitlines()
        self.assertEqual(len(lines), 4)
        self.assertTrue(lines[0].startswith("consent_id,date,origine"))
        self.assertIn(f"{self.reader_id},", lines[1])
        self.assertIn("audience,external_media", lines[1])

    def test_records_are_read_only(self):
        record = self.mine[0]
        url = reverse("admin:consent_consentrecord_change", args=[record.pk])
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.post(url, {"source": "accept_all"})
        record.refresh_from_db()
        self.assertEqual(record.source, "selection")
        self.assertEqual(
            self.client.get(reverse("admin:consent_consentrecord_add")).status_code, 403
        )

    def test_changelist_query_count_is_fixed(self):
        with self.assertNumQueries(10):
            self.client.get(CHANGELIST)
        for _ in range(5):
            make_record()
        with self.assertNumQueries(10):
            self.client.get(CHANGELIST)


class PurgeTests(TestCase):
    def test_purge_deletes_records_and_log_older_than_the_retention(self):
        old = make_record(created=timezone.now() - timedelta(days=400))
        recent = make_record(created=timezone.now() - timedelta(days=10))
        decide(self.client, "accept_all")
        LogItem.objects.update(created=timezone.now() - timedelta(days=400))
        out = StringIO()
        call_command("purge_consent_records", stdout=out)
        self.assertFalse(ConsentRecord.objects.filter(pk=old.pk).exists())
        self.assertTrue(ConsentRecord.objects.filter(pk=recent.pk).exists())
        self.assertEqual(ConsentRecord.objects.count(), 2)
        self.assertFalse(LogItem.objects.exists())
        self.assertIn("1 preuve(s) et 2 entrée(s)", out.getvalue())

    def test_days_option_and_dry_run(self):
        make_record(created=timezone.now() - timedelta(days=40))
        out = StringIO()
        call_command("purge_consent_records", "--days", "30", "--dry-run", stdout=out)
        self.assertIn("1 preuve(s)", out.getvalue())
        self.assertEqual(ConsentRecord.objects.count(), 1)
        call_command("purge_consent_records", "--days", "30", stdout=StringIO())
        self.assertFalse(ConsentRecord.objects.exists())

    def test_zero_days_is_refused(self):
        with self.assertRaisesMessage(CommandError, "au moins un jour"):
            call_command("purge_consent_records", "--days", "0")


class CookieAdminTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_superuser("admin", password="x")

    def setUp(self):
        self.client.force_login(self.admin)

    def test_group_changelist_query_count_is_fixed(self):
        """Three groups, eleven cookies: no query per row for the version."""
        with self.assertNumQueries(6):
            response = self.client.get(
                reverse("admin:cookie_consent_cookiegroup_changelist")
            )
        self.assertContains(response, "Médias externes")

    def test_cookie_changelist_shows_provider_and_lifetime(self):
        with self.assertNumQueries(6):
            response = self.client.get(
                reverse("admin:cookie_consent_cookie_changelist")
            )
        self.assertContains(response, "YouTube (Google)")
        self.assertContains(response, "13 mois")

    def test_cookie_details_are_edited_with_the_cookie(self):
        cookie = Cookie.objects.get(name="omag_audience")
        response = self.client.get(
            reverse("admin:cookie_consent_cookie_change", args=[cookie.pk])
        )
        self.assertContains(response, 'name="details-0-lifetime"')
