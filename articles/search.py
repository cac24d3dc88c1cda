"""Reader search.

PostgreSQL: full-text search on the stored `search_vector` (kept current by a
trigger, see migration 0002_search_vector) with the `french_unaccent`
configuration, ranked with title > standfirst > body, excerpts highlighted by
ts_headline, and a trigram spelling suggestion when nothing matches.
SQLite (the demo default): every word must appear in the title, standfirst or
body, accents and case ignored; title matches first; excerpts highlighted in
Python.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    F,
    Func,
    IntegerField,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

CONFIG = "french_unaccent"
MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
# Markers that cannot occur in an article, turned into <mark> after escaping.
START, STOP = "\ue000", "\ue001"
WORD_RE = re.compile(r"\w+(?:['’-]\w+)*")
# pg_trgm's default (0.6) misses one wrong letter in a seven-letter word
# ("Poutyne" vs "Poutine" scores 0.5).
WORD_SIMILARITY_THRESHOLD = 0.5


def configure_connection(sender, connection, **kwargs):
    """Once per database connection: on PostgreSQL, the trigram threshold that
    the indexed `%>` operator uses; on SQLite, the accent folding function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "omag_fold", 1, _fold_or_none, deterministic=True
        )
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(WORD_SIMILARITY_THRESHOLD)],
            )


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Mots recherchés"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        error_messages={
            "max_length": _(
                "Votre recherche est trop longue : %(limit_value)d caractères au "
                "plus (elle en compte %(show_value)d)."
            ),
        },
    )

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())


@dataclass
class SearchResults:
    """One page of results for `query`; `corrected` is the spelling actually
    searched when the reader's own found nothing."""

    query: str
    page: Page
    corrected: str = ""
    articles: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.page.paginator.count


def fold(text: str) -> str:
    """Lower case without accents, one character for one: 'Crimée' → 'crimee'."""
    return "".join(unicodedata.normalize("NFD", c.lower())[:1] or c for c in text)


def _fold_or_none(text):
    return fold(text) if isinstance(text, str) else text


class Fold(Func):
    """SQLite: fold() in SQL, registered on each connection."""

    function = "omag_fold"
    output_field = TextField()


def terms(query: str) -> list[str]:
    return WORD_RE.findall(query)[:MAX_TERMS]


def uses_postgresql(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def search_queryset(queryset, query: str):
    """Rows of `queryset` matching `query`, best first."""
    if uses_postgresql(queryset):
        search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
        return (
            queryset.filter(search_vector=search_query)
            .annotate(rank=SearchRank(F("search_vector"), search_query))
            .order_by("-rank", "-published_at", "-pk")
        )
    words = terms(query)
    if not words:
        return queryset.none()
    condition = Q()
    for word in map(fold, words):
        condition &= (
            Q(folded_title__contains=word)
            | Q(folded_standfirst__contains=word)
            | Q(folded_body__contains=word)
        )
    in_title = sum(
        (
            Case(
                When(folded_title__contains=fold(w), then=1),
                default=0,
                output_field=IntegerField(),
            )
            for w in words
        ),
        start=Value(0),
    )
    return (
        queryset.alias(
            folded_title=Fold("title"),
            folded_standfirst=Fold("standfirst"),
            folded_body=Fold("body"),
        )
        .filter(condition)
        .annotate(rank=in_title)
        .order_by("-rank", "-published_at", "-pk")
    )


def _with_headlines(queryset, query: str):
    search_query = SearchQuery(query, config=CONFIG, search_type="websearch")
    plain_body = RawSQL(
        "regexp_replace(articles_article.body, '<[^>]*>', ' ', 'g')",
        (),
        output_field=TextField(),
    )
    options = {"config": CONFIG, "start_sel": START, "stop_sel": STOP}
    return queryset.annotate(
        title_headline=SearchHeadline(
            "title", search_query, highlight_all=True, **options
        ),
        excerpt_headline=SearchHeadline(
            Concat("standfirst", Value(" "), plain_body, output_field=TextField()),
            search_query,
            max_words=40,
            min_words=20,
            max_fragments=2,
            fragment_delimiter=" … ",
            **options,
        ),
    ).defer("body")


def marked(text: str) -> SafeString:
    """Escape text, then turn the highlight markers into <mark> elements."""
    safe = escape(html.unescape(text))
    return mark_safe(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


def highlight(text: str, words: list[str], *, max_chars: int | None = None) -> str:
    """Python highlighting for SQLite: wrap each occurrence of a word (case and
    accents ignored) in markers, cut around the first one if max_chars."""
    text = " ".join(strip_tags(html.unescape(text)).split())
    folded = fold(text)
    pattern = "|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True))
    if not pattern:
        return text[:max_chars] if max_chars else text
    matches = list(re.finditer(pattern, folded))
    start, end = 0, len(text)
    if max_chars and len(text) > max_chars:
        first = matches[0].start() if matches else 0
        start = max(0, first - max_chars // 3)
        start = text.rfind(" ", 0, start) + 1 if start else 0
        end = min(len(text), start + max_chars)
        if end < len(text):
            end = text.rfind(" ", start, end) if " " in text[start:end] else end
    pieces, cursor = [], start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        pieces += [text[cursor : m.start()], START, text[m.start() : m.end()], STOP]
        cursor = m.end()
    pieces.append(text[cursor:end])
    result = "".join(pieces)
    return ("… " if start else "") + result + (" …" if end < len(text) else "")


def _paginate(queryset, query: str, page_number) -> Page:
    if uses_postgresql(queryset):
        queryset = _with_headlines(queryset, query)
    queryset = queryset.select_related("section").with_bylines()
    return Paginator(queryset, settings.ARTICLES_PER_PAGE).get_page(page_number)


def _attach_excerpts(articles, query: str, *, postgresql: bool):
    words = terms(query)
    for article in articles:
        if postgresql:
            article.title_html = marked(article.title_headline)
            article.excerpt_html = marked(article.excerpt_headline)
        else:
            article.title_html = marked(highlight(article.title, words))
            source = f"{article.standfirst} {article.body}"
            article.excerpt_html = marked(highlight(source, words, max_chars=240))
    return articles


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before, one after."""
    padded = f"  {fold(word)} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def spelling_candidates(queryset, words: list[str]):
    """Rows whose title or standfirst holds a word close to one of `words`
    (pg_trgm's `%>`, answered from the trigram index)."""
    clause = " OR ".join(
        [
            "omag_unaccent(articles_article.title || ' ' || articles_article.standfirst)"
            " %%> omag_unaccent(%s)"
        ]
        * len(words)
    )
    return queryset.filter(RawSQL(clause, words, output_field=BooleanField()))


def suggest_spelling(queryset, query: str) -> str:
    """A better-spelled query made of words that published titles and
    standfirsts use ('Poutyne' → 'Poutine'), or '' when there is none.

    PostgreSQL only: the trigram index on titles and standfirsts finds the rows
    holding a similar word; the closest word is then picked in Python."""
    if not uses_postgresql(queryset):
        return ""
    words = terms(query)
    long_words = [w for w in words if len(w) >= 4][:5]
    if not long_words:
        return ""
    candidates = spelling_candidates(queryset, long_words).values_list(
        "title", "standfirst"
    )[:50]
    vocabulary = {
        w for row in candidates for text in row for w in WORD_RE.findall(text)
    }
    corrected = []
    for word in words:
        best = max(vocabulary, key=lambda v: similarity(word, v), default="")
        if len(word) >= 4 and best and similarity(word, best) >= 0.35:
            corrected.append(best if fold(best) != fold(word) else word)
        else:
            corrected.append(word)
    suggestion = " ".join(corrected)
    return suggestion if fold(suggestion) != fold(" ".join(words)) else ""


def search(queryset, query: str, *, page_number=1) -> SearchResults:
    """The page of results a reader asked for; when the query finds nothing
    and a close spelling does, the results of that spelling."""
    postgresql = uses_postgresql(queryset)
    page = _paginate(queryset.search(query), query, page_number)
    corrected = ""
    if not page.paginator.count:
        suggestion = suggest_spelling(queryset, query)
        if suggestion:
            corrected_page = _paginate(
                queryset.search(suggestion), suggestion, page_number
            )
            if corrected_page.paginator.count:
                page, corrected = corrected_page, suggestion
    articles = _attach_excerpts(
        list(page.object_list), corrected or query, postgresql=postgresql
    )
    page.object_list = articles
    return SearchResults(query=query, page=page, corrected=corrected, articles=articles)
