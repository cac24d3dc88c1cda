from unittest import skipIf, skipUnless

from django.db import connection
from django.test import TestCase
from django.urls import reverse

from articles.models import Article
from articles.search import fold, highlight, similarity, spelling_candidates
from tests.factories import make_article, make_author, make_section, tomorrow

ON_POSTGRESQL = connection.vendor == "postgresql"


def search_url(query, **params):
    from urllib.parse import urlencode

    return reverse("articles:search") + "?" + urlencode({"q": query, **params})


def titles(response):
    return [a.title for a in response.context["results"].articles]


@skipUnless(ON_POSTGRESQL, "full-text search runs on PostgreSQL")
class FullTextSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.section = make_section(name="International", slug="international")
        cls.crimea = make_article(
            title="La Russie retire une partie de ses troupes en Crimée",
            standfirst="Moscou annonce un retrait partiel.",
            body="<p>Les négociations diplomatiques se poursuivent à Genève.</p>",
            section=cls.section,
        )
        cls.energy = make_article(
            title="Énergie : les factures vont-elles augmenter ?",
            standfirst="Le gouvernement promet un bouclier tarifaire.",
            body="<p>Les ménages s'inquiètent.</p>",
        )
        cls.in_title = make_article(
            title="La fusion nucléaire avance",
            standfirst="Un réacteur expérimental bat un record.",
            body="<p>Des chercheurs français y participent.</p>",
        )
        cls.in_standfirst = make_article(
            title="Un laboratoire européen bat un record",
            standfirst="La fusion de deux équipes porte ses fruits.",
            body="<p>Le projet a commencé il y a dix ans.</p>",
        )
        cls.in_body = make_article(
            title="Les chercheurs en physique se réunissent à Lyon",
            standfirst="Un colloque international.",
            body="<p>On y parle de fusion, encore de fusion et toujours de fusion.</p>",
        )
        cls.putin = make_article(
            title="Vladimir Poutine reçoit le chancelier allemand",
            standfirst="Une rencontre au Kremlin.",
            body="<p>Les deux dirigeants ont parlé pendant trois heures.</p>",
        )
        cls.zelensky = make_article(
            title="Volodymyr Zelensky reçu à l'Élysée",
            standfirst="Le président ukrainien rencontre son homologue.",
            body="<p>Un entretien d'une heure.</p>",
        )
        cls.draft = make_article(
            title="Brouillon sur la fusion",
            status=Article.Status.DRAFT,
            published_at=None,
        )
        cls.scheduled = make_article(
            title="La fusion programmée pour demain", published_at=tomorrow()
        )

    def search(self, query, **params):
        response = self.client.get(search_url(query, **params))
        self.assertEqual(response.status_code, 200)
        return response

    def test_accents_are_ignored(self):
        """'crimee', 'CRIMÉE' and 'energie' find 'Crimée' and 'Énergie'."""
        self.assertEqual(titles(self.search("crimee")), [self.crimea.title])
        self.assertEqual(titles(self.search("CRIMÉE")), [self.crimea.title])
        self.assertEqual(titles(self.search("energie")), [self.energy.title])

    def test_plurals_and_stemming(self):
        """French stemming: 'troupe' finds 'troupes', 'négociation' finds
        'négociations', 'augmentation'… no: 'augmente' finds 'augmenter'."""
        self.assertEqual(titles(self.search("troupe")), [self.crimea.title])
        self.assertEqual(titles(self.search("négociation")), [self.crimea.title])
        self.assertEqual(titles(self.search("augmente")), [self.energy.title])

    def test_ranking_title_then_standfirst_then_body(self):
        """A word in the title ranks above the standfirst, which ranks above the
        body even when the body repeats it; drafts and scheduled articles never
        show."""
        self.assertEqual(
            titles(self.search("fusion")),
            [self.in_title.title, self.in_standfirst.title, self.in_body.title],
        )

    def test_every_word_must_match(self):
        self.assertEqual(
            set(titles(self.search("fusion record"))),
            {self.in_title.title, self.in_standfirst.title},
        )

    def test_quoted_phrase(self):
        """Quotes search the phrase itself (websearch syntax)."""
        self.assertEqual(
            titles(self.search('"bat un record"')),
            [self.in_standfirst.title, self.in_title.title],
        )

    def test_highlighted_excerpts(self):
        """Matched words are wrapped in <mark>, in the title and the excerpt."""
        response = self.search("négociations")
        self.assertContains(response, "<mark>négociations</mark>", html=False)
        response = self.search("Crimee")
        self.assertContains(response, "en <mark>Crimée</mark></a>", html=False)

    def test_highlights_escape_article_text(self):
        """Article text in excerpts is escaped: only our <mark> is markup."""
        make_article(
            title="Les balises <script>alert(1)</script> dans un titre",
            standfirst="Un chapô & des <b>balises</b>.",
        )
        response = self.search("balises")
        self.assertNotContains(response, "<script>alert(1)")
        self.assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")

    def test_misspelling_close_to_a_word(self):
        """'Poutin' finds 'Poutine'; 'Poutyne' and 'Zelenski' find nothing but
        are corrected from the words of published titles."""
        self.assertEqual(titles(self.search("Poutin")), [self.putin.title])
        response = self.search("Poutyne")
        self.assertEqual(response.context["results"].corrected, "Poutine")
        self.assertEqual(titles(response), [self.putin.title])
        self.assertContains(response, "Aucun résultat pour « Poutyne »")
        self.assertContains(response, "1 résultat pour « Poutine »")
        response = self.search("Zelenski")
        self.assertEqual(response.context["results"].corrected, "Zelensky")
        self.assertEqual(titles(response), [self.zelensky.title])

    def test_no_suggestion_for_nonsense(self):
        response = self.search("xqzwvk")
        self.assertEqual(response.context["results"].corrected, "")
        self.assertEqual(titles(response), [])
        self.assertContains(response, "Aucun article ne correspond à « xqzwvk »")

    def test_vector_follows_edits(self):
        """The stored vector is recomputed on save and on QuerySet.update()."""
        self.assertEqual(titles(self.search("Lisbonne")), [])
        self.crimea.title = "La Russie retire ses troupes, réunion à Lisbonne"
        self.crimea.save()
        self.assertEqual(titles(self.search("Lisbonne")), [self.crimea.title])
        self.assertEqual(titles(self.search("Crimée")), [])
        Article.objects.filter(pk=self.energy.pk).update(
            body="<p>Le port de Marseille est concerné.</p>"
        )
        self.assertEqual(titles(self.search("marseille")), [self.energy.title])
        self.assertEqual(titles(self.search("ménages")), [])

    def test_vector_is_stored_and_indexed(self):
        """The vector is a stored column with a GIN index: queries do not
        compute it over the whole table."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM articles_article WHERE search_vector IS NULL"
            )
            self.assertEqual(cursor.fetchone()[0], 0)
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = "
                "'articles_article_search_idx'"
            )
            self.assertIn("gin (search_vector)", cursor.fetchone()[0])

    def test_search_can_use_the_gin_index(self):
        """The match is answered from the index (sequential scans are turned off
        so that the planner shows it can, whatever the table size)."""
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = Article.objects.search("fusion").explain()
        self.assertIn("articles_article_search_idx", plan)

    def test_spelling_candidates_can_use_the_trigram_index(self):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = spelling_candidates(Article.objects.all(), ["Poutyne", "Zelenski"])
        self.assertIn("articles_article_trgm_idx", plan.explain())

    def test_html_tags_are_not_indexed(self):
        make_article(title="Tableau", body='<p class="encadre">Texte du tableau</p>')
        self.assertEqual(titles(self.search("encadre")), [])


class SearchPageTests(TestCase):
    """What works on both databases: the form, bad input, paging, queries."""

    @classmethod
    def setUpTestData(cls):
        cls.authors = [make_author(), make_author()]
        section = make_section()
        for n in range(14):
            make_article(
                title=f"Sommet européen numéro {n}",
                standfirst="Les dirigeants se retrouvent.",
                body="<p>Un sommet de plus.</p>",
                section=section,
                authors=cls.authors,
            )
        make_article(
            title="Sommet secret", status=Article.Status.DRAFT, published_at=None
        )

    def test_header_has_an_accessible_search_box(self):
        response = self.client.get(reverse("articles:home"))
        self.assertContains(
            response,
            '<form class="site-search" role="search" action="/recherche/" method="get">',
            html=False,
        )
        self.assertContains(
            response,
            '<label class="visually-hidden" for="site-search-q">'
            "Rechercher dans les articles</label>",
            html=True,
        )

    def test_empty_query_shows_the_form(self):
        for url in (reverse("articles:search"), search_url("   ")):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
            self.assertContains(response, "Saisissez un ou plusieurs mots")
            self.assertIsNone(response.context["results"])

    def test_huge_query_is_a_400_with_a_french_reason(self):
        response = self.client.get(search_url("mot " * 500))
        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "Votre recherche est trop longue : 200 caractères au plus",
            status_code=400,
        )

    def test_null_character_is_a_400(self):
        response = self.client.get(search_url("som\x00met"))
        self.assertEqual(response.status_code, 400)

    def test_absurd_queries_are_friendly(self):
        """Operators only, stop words only, quotes left open: a page saying
        nothing matched, never an error."""
        for query in (
            "!!! &&& ||| :*",
            "le la les",
            '"sommet',
            "-",
            "' OR 1=1 --",
            "ù" * 150,
        ):
            with self.subTest(query=query):
                response = self.client.get(search_url(query))
                self.assertEqual(response.status_code, 200)

    def test_only_published_articles(self):
        response = self.client.get(search_url("sommet"))
        self.assertEqual(response.context["results"].count, 14)
        self.assertNotIn("Sommet secret", titles(response))

    def test_paginated_keeping_the_query(self):
        response = self.client.get(search_url("sommet"))
        self.assertEqual(len(titles(response)), 12)
        self.assertContains(response, 'href="?q=sommet&amp;page=2"')
        response = self.client.get(search_url("sommet", page=2))
        self.assertEqual(len(titles(response)), 2)
        self.assertContains(response, '<ol class="search-results" start="13">')

    def test_bad_page_number_shows_a_page(self):
        for page in ("abc", "999", "-1"):
            response = self.client.get(search_url("sommet", page=page))
            self.assertEqual(response.status_code, 200)

    def test_search_pages_are_not_indexed(self):
        response = self.client.get(search_url("sommet"))
        self.assertContains(response, '<meta name="robots" content="noindex, follow">')
        self.assertNotContains(response, 'rel="canonical"')

    def test_query_count(self):
        """Count, results, bylines, section menu: whatever the number of
        results or authors."""
        with self.assertNumQueries(4):
            response = self.client.get(search_url("sommet"))
        self.assertEqual(len(titles(response)), 12)
        self.assertContains(response, self.authors[1].display_name, count=12)

    @skipUnless(ON_POSTGRESQL, "spelling suggestions need pg_trgm")
    def test_query_count_with_a_correction(self):
        """Nothing found: one more query for the suggestion, then the
        corrected search."""
        with self.assertNumQueries(6):
            response = self.client.get(search_url("sommmet"))
        self.assertEqual(response.context["results"].corrected, "Sommet")


@skipIf(ON_POSTGRESQL, "the simpler search is SQLite's")
class SimpleSearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.body_match = make_article(
            title="Le parcours dévoilé", body="<p>La montagne à l'honneur.</p>"
        )
        cls.title_match = make_article(title="Montagne : un été record")

    def test_finds_words_title_first(self):
        response = self.client.get(search_url("montagne"))
        self.assertEqual(
            titles(response), [self.title_match.title, self.body_match.title]
        )
        self.assertContains(response, "La <mark>montagne</mark> à l&#x27;honneur")

    def test_accents_and_case_are_ignored(self):
        """'DEVOILE' finds 'dévoilé', 'Été' finds 'été'."""
        response = self.client.get(search_url("DEVOILE"))
        self.assertEqual(titles(response), [self.body_match.title])
        self.assertContains(response, "Le parcours <mark>dévoilé</mark>")
        response = self.client.get(search_url("Été"))
        self.assertEqual(titles(response), [self.title_match.title])


class HelperTests(TestCase):
    def test_fold_keeps_length(self):
        for text in ("Crimée", "İstanbul", "Œuvre", "ÉLYSÉE"):
            self.assertEqual(len(fold(text)), len(text))
        self.assertEqual(fold("Crimée"), "crimee")

    def test_python_highlight(self):
        self.assertEqual(
            highlight("<p>En Crimée &amp; ailleurs</p>", ["crimee"]),
            "En \ue000Crimée\ue001 & ailleurs",
        )

    def test_trigram_similarity(self):
        self.assertGreater(similarity("Poutyne", "Poutine"), 0.4)
        self.assertLess(similarity("Poutyne", "Pékin"), 0.2)
