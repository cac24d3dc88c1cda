import math
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models, router
from django.db.models import F, Func, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from omag.sql import CompiledQuery


# strip_tags() parses the whole body, and the article page counts its words on
# every render: remembered per text (a changed body is another key), for the
# articles being read.
@lru_cache(maxsize=512)
def count_words(html: str) -> int:
    return len(strip_tags(html).split())


# Read three times per article page (description, social card, structured
# data): remembered per text, and per language (Truncator's ellipsis is
# translated).
@lru_cache(maxsize=1024)
def plain_description(override: str, standfirst: str, _language) -> str:
    text = override or strip_tags(standfirst)
    return Truncator(" ".join(text.split())).chars(300)


def unique_slug(model, value: str, *, exclude_pk=None, max_length: int = 200) -> str:
    """A slug made from value that no other row of model uses yet."""
    base = (slugify(value) or "sans-titre")[: max_length - 6].strip("-")
    slug, n = base, 2
    others = model._default_manager.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class SectionManager(models.Manager):
    def in_order(self) -> list:
        """Every section, in the order readers see them: the home and section
        pages list them all, in one query compiled once per process
        (ALL_SECTIONS)."""
        return [
            self.model.from_db(self.db, SECTION_COLUMNS, row)
            for row in ALL_SECTIONS.rows(using=self.db)
        ]


class Section(models.Model):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("ordre"),
        default=0,
        help_text=_("Les rubriques sont listées par ordre croissant."),
    )

    objects = SectionManager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


class Author(models.Model):
    display_name = models.CharField(_("nom affiché"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    bio = models.TextField(_("biographie"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
    )

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("auteur")
        verbose_name_plural = _("auteurs")

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})


class Tag(models.Model):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mot-clé")
        verbose_name_plural = _("mots-clés")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"slug": self.slug})


# The columns a teaser shows (ArticleQuerySet.for_listing()).
TEASER_FIELDS = (
    "title",
    "slug",
    "standfirst",
    "section__name",
    "section__slug",
    "published_at",
    "lead_image_renditions",
    "lead_image_alt",
)

# What a byline shows of its authors (pages, feeds, structured data).
BYLINE_AUTHOR_FIELDS = ("display_name", "slug")

# What the article page shows of a related article (and needs to tell whether
# readers may see it): its teaser has no standfirst, date or byline.
RELATED_FIELDS = (
    "title",
    "slug",
    "status",
    "published_at",
    "section__name",
    "section__slug",
    "lead_image_renditions",
    "lead_image_alt",
)


def model_columns(model, names):
    """The attnames of model's fields among names, in the order from_db() takes
    them."""
    return [f.attname for f in model._meta.concrete_fields if f.attname in names]


def keep_fetched(instance, relation: str, objects: list) -> None:
    """instance.<relation>.all() answers objects without a query, as after
    prefetch_related() (which keeps them the same way): the templates and the
    structured data read the tags and corrections through their managers."""
    queryset = getattr(instance, relation).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    vars(instance).setdefault("_prefetched_objects_cache", {})[relation] = queryset


def add_bylines(articles, *, using) -> None:
    """Each article's authors in byline order (authors_in_order()), as
    `byline_authors`, read in one query for all of them."""
    if not articles:
        return
    authors = {article.pk: [] for article in articles}
    for article_id, *columns in LISTING_BYLINES.rows(*authors, using=using):
        authors[article_id].append(
            Author.from_db(using, BYLINE_AUTHOR_COLUMNS, columns)
        )
    for article in articles:
        article.byline_authors = authors[article.pk]


class WithBylinesIterable(ModelIterable):
    """Articles as ArticleQuerySet.with_bylines() yields them (add_bylines())."""

    def __iter__(self):
        articles = list(super().__iter__())
        if articles:
            add_bylines(articles, using=articles[0]._state.db)
        yield from articles


def add_page_lists(article, *, using) -> None:
    """The lists the article page shows besides its bylines, each in one
    query compiled once (below): cheaper in CPU than prefetch_related(),
    whose querysets are built and compiled anew on every page. Tags and
    corrections are kept as prefetch_related() keeps them."""
    keep_fetched(
        article,
        "tags",
        [
            Tag.from_db(using, TAG_COLUMNS, row)
            for row in ARTICLE_TAGS.rows(article.pk, using=using)
        ],
    )
    article.related_picks = [
        with_section_from_row(
            using, row, RELATED_ARTICLE_COLUMNS, RELATED_SECTION_COLUMNS
        )
        for row in RELATED_PICKS.rows(article.pk, using=using)
    ]
    keep_fetched(
        article,
        "corrections",
        [
            Correction.from_db(using, CORRECTION_COLUMNS, row)
            for row in ARTICLE_CORRECTIONS.rows(article.pk, using=using)
        ],
    )


class ArticlePageIterable(WithBylinesIterable):
    """Articles with the lists their page shows (ArticleQuerySet.for_detail()),
    each list in one query per article (add_page_lists())."""

    def __iter__(self):
        for article in super().__iter__():
            add_page_lists(article, using=article._state.db)
            yield article


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """Readers see an article once it is published and its time has come."""
        return self.filter(
            status=Article.Status.PUBLISHED,
            published_at__lte=now or timezone.now(),
        )

    def scheduled(self, *, now=None):
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=now or timezone.now()
        )

    def next_publication_time(self, *, now=None):
        """When the next scheduled article goes live (None if none is due):
        the first of scheduled(). Every reader page asks (it bounds the page
        cache's keep): compiled once per process (NEXT_PUBLICATION) unless
        the queryset is narrowed."""
        if self.query.has_filters():
            return (
                self.scheduled(now=now)
                .order_by("published_at")
                .values_list("published_at", flat=True)
                .first()
            )
        rows = NEXT_PUBLICATION.rows(now or timezone.now(), using=self.db)
        return rows[0][0] if rows else None

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_bylines(self):
        """Each article with its authors in byline order (authors_in_order()),
        fetched in one more query for all the articles at once, compiled once
        per process (LISTING_BYLINES): a listing's prefetch_related() was built
        and compiled anew on every page, and made a Byline per author."""
        queryset = self.all()
        queryset._iterable_class = WithBylinesIterable
        return queryset

    def for_listing(self):
        """What a teaser needs (and only that: a listing loads many rows):
        title, dates, image, section, bylines; newest first."""
        return (
            self.select_related("section")
            .with_bylines()
            .only(*TEASER_FIELDS)
            .newest_first()
        )

    def front_page_rows(self, *, latest: int, per_section: int, vendor: str):
        """Of these articles, the `latest` newest and the `per_section` newest
        of each section, newest first, as rows of FRONT_PAGE_COLUMNS (see
        ArticleManager.front_page()).

        On PostgreSQL the rows are found by small index scans, one per section
        (a correlated subquery), so the cost does not grow with the number of
        articles; SQLite cannot slice inside a UNION and gets window functions
        instead."""
        if vendor == "postgresql":
            in_section = self.filter(section=OuterRef("pk")).newest_first()
            ids = (
                Section.objects.order_by()
                .values(
                    article_pk=Func(
                        ArraySubquery(in_section.values("pk")[:per_section]),
                        function="unnest",
                        output_field=models.BigIntegerField(),
                    )
                )
                .union(self.newest_first().values("pk")[:latest], all=True)
            )
            rows = self.model.objects.filter(pk__in=ids)
        else:
            newest = [F("published_at").desc(), F("pk").desc()]
            rows = self.annotate(
                rank=Window(RowNumber(), order_by=newest),
                section_rank=Window(
                    RowNumber(), partition_by=F("section_id"), order_by=newest
                ),
            ).filter(Q(rank__lte=latest) | Q(section_rank__lte=per_section))
        return rows.newest_first().values_list(*FRONT_PAGE_COLUMNS)

    def search(self, query: str):
        """Articles matching a reader's query, best match first (see search.py:
        PostgreSQL full-text search, a simpler LIKE search elsewhere)."""
        from .search import search_queryset

        return search_queryset(self, query)

    def for_detail(self):
        """Everything the article page shows: the article and its section in one
        query, then each list it shows in one query (ArticlePageIterable: meant
        for one article, as the page and the previews get it)."""
        queryset = self.select_related("section")
        # What a queryset yields is the ORM's to choose (values() does so too).
        queryset._iterable_class = ArticlePageIterable
        return queryset

    def in_review(self):
        return self.filter(status=Article.Status.REVIEW)

    def drafts_of(self, user):
        """Drafts the user started or signs."""
        return self.filter(status=Article.Status.DRAFT).owned_by(user)

    def owned_by(self, user):
        return self.filter(
            Q(created_by=user) | Q(bylines__author__user=user)
        ).distinct()


class ArticleManager(models.Manager.from_queryset(ArticleQuerySet)):
    def get_queryset(self):
        # The search vector is only read by the database itself; never load it.
        return super().get_queryset().defer("search_vector")

    def published_page(self, slug: str, *, now=None):
        """The published article of this slug with everything its page shows
        (as for_detail() gives it), or None: the article and its section in
        one query compiled once per process (PUBLISHED_ARTICLE), then its
        lists."""
        using = router.db_for_read(self.model)
        rows = PUBLISHED_ARTICLE.rows(slug, now or timezone.now(), using=using)
        if not rows:
            return None
        article = with_section_from_row(
            using, rows[0], PAGE_ARTICLE_COLUMNS, SECTION_COLUMNS
        )
        add_bylines([article], using=using)
        add_page_lists(article, using=using)
        return article

    def front_page(self, *, latest: int, per_section: int, sections, now=None):
        """The `latest` newest published articles, and the `per_section`
        newest of each section (as {section id: articles}), for listing: in
        one query compiled once per process (FRONT_PAGE), and their bylines in
        one more. `sections` are every section (the home page lists them
        anyway): each article's section is taken from them, not joined.

        The newest of all are among the rows fetched, so they are the first
        ones."""
        using = router.db_for_read(self.model)
        rows = FRONT_PAGE.rows(
            now or timezone.now(),
            latest=latest,
            per_section=per_section,
            vendor=connections[using].vendor,
            using=using,
        )
        sections = {section.pk: section for section in sections}
        articles = []
        for row in rows:
            article = self.model.from_db(using, FRONT_PAGE_COLUMNS, row)
            if article.section_id in sections:  # else read when shown
                article.section = sections[article.section_id]
            articles.append(article)
        add_bylines(articles, using=using)
        by_section = {}
        for article in articles:
            # Rows of the newest of all may be older ones of their section.
            section_articles = by_section.setdefault(article.section_id, [])
            if len(section_articles) < per_section:
                section_articles.append(article)
        return articles[:latest], by_section


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        REVIEW = "review", _("En relecture")
        PUBLISHED = "published", _("Publié")
        UNPUBLISHED = "unpublished", _("Dépublié")

    title = models.CharField(_("titre"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Fait à partir du titre si laissé vide."),
    )
    standfirst = models.TextField(
        _("chapô"), blank=True, help_text=_("Le résumé affiché sous le titre.")
    )
    body = models.TextField(_("corps"), blank=True, help_text=_("Texte en HTML."))
    section = models.ForeignKey(
        Section,
        verbose_name=_("rubrique"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    authors = models.ManyToManyField(
        Author,
        verbose_name=_("auteurs"),
        through="Byline",
        related_name="articles",
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("mots-clés"), blank=True, related_name="articles"
    )
    lead_image = models.ImageField(
        _("image principale"),
        upload_to="articles/%Y/%m/",
        blank=True,
        width_field="lead_image_width",
        height_field="lead_image_height",
    )
    lead_image_width = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    lead_image_height = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    lead_image_alt = models.CharField(
        _("texte alternatif"),
        max_length=255,
        blank=True,
        help_text=_(
            "Décrit l'image pour qui ne la voit pas. Obligatoire avec une image."
        ),
    )
    lead_image_caption = models.CharField(_("légende"), max_length=300, blank=True)
    lead_image_credit = models.CharField(_("crédit"), max_length=150, blank=True)
    lead_image_renditions = models.JSONField(
        _("déclinaisons de l'image"), default=dict, blank=True, editable=False
    )
    status = models.CharField(
        _("statut"),
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        help_text=_("Publié seulement quand le statut est Publié et la date passée."),
    )
    published_at = models.DateTimeField(
        _("date de publication"),
        null=True,
        blank=True,
        help_text=_("Une date future programme la publication."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    modified_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_at = models.DateTimeField(
        _("mis à jour le"),
        null=True,
        blank=True,
        help_text=_("Date de mise à jour affichée aux lecteurs."),
    )
    update_note = models.CharField(
        _("note de mise à jour"),
        max_length=300,
        blank=True,
        help_text=_("Facultative, affichée aux lecteurs avec la date de mise à jour."),
    )
    comments_open = models.BooleanField(_("commentaires ouverts"), default=True)
    meta_description = models.CharField(
        _("description pour les moteurs de recherche"),
        max_length=300,
        blank=True,
        help_text=_(
            "Facultative : remplace le chapô dans les résultats des moteurs de "
            "recherche et les partages sur les réseaux sociaux (160 caractères "
            "conseillés)."
        ),
    )
    # Filled by a PostgreSQL trigger (migration 0002_search_vector) on every
    # insert and every update of the title, standfirst or body; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = ArticleManager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [
            ("publish_article", _("Peut publier, programmer et dépublier")),
            ("edit_any_article", _("Peut modifier les articles des autres")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "unpublished"]),
                name="article_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_pub_idx"),
            models.Index(
                fields=["section", "status", "-published_at"],
                name="article_section_pub_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.title, exclude_pk=self.pk)
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        self.refresh_renditions()

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def refresh_renditions(self):
        """Make the lead image's renditions when the image is new or changed."""
        from .images import build_renditions, build_social_rendition

        source = self.lead_image.name if self.lead_image else ""
        renditions = self.lead_image_renditions
        if renditions.get("source", "") == source and (
            not source or "social" in renditions
        ):
            return
        self.lead_image_renditions = build_renditions(self.lead_image) if source else {}
        if source:
            self.lead_image_renditions["social"] = build_social_rendition(
                self.lead_image
            )
        Article.objects.filter(pk=self.pk).update(
            lead_image_renditions=self.lead_image_renditions
        )

    def is_published(self, *, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= (now or timezone.now())
        )

    def get_meta_description(self) -> str:
        """What search engines and social cards show: the editor's override,
        else the standfirst, in plain text and at most 300 characters."""
        return plain_description(self.meta_description, self.standfirst, get_language())

    @cached_property
    def word_count(self) -> int:
        # Read several times per article page (reading time, structured data).
        return count_words(self.body)

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the body at 230 words a minute, at least one."""
        return max(1, math.ceil(self.word_count / 230))

    def last_modified(self):
        """When readers last saw a change: publication, public update or the
        latest save, whichever is latest (feeds, sitemaps, structured data)."""
        return max(
            d for d in (self.published_at, self.updated_at, self.modified_at) if d
        )

    def authors_in_order(self):
        """Authors as with_bylines() and the article page fetch them
        (add_bylines()), else from the bylines (prefetched by the admin)."""
        authors = getattr(self, "byline_authors", None)
        if authors is not None:
            return list(authors)
        return [byline.author for byline in self.bylines.all()]

    @property
    def shows_update(self) -> bool:
        return bool(
            self.updated_at
            and self.published_at
            and self.updated_at > self.published_at
        )

    def related_articles(self, *, limit=None, now=None):
        """The editor's ordered picks that readers may see, topped up with recent
        articles of the same section when fewer than `limit` are picked."""
        limit = limit or settings.RELATED_ARTICLES_COUNT
        now = now or timezone.now()
        picks = getattr(self, "related_picks", None)  # fetched by for_detail()
        if picks is None:
            picks = [
                link.related
                for link in self.related_links.select_related("related__section")
            ]
        picks = [article for article in picks if article.is_published(now=now)][:limit]
        missing = limit - len(picks)
        if missing > 0:
            exclude = [self.pk, *(a.pk for a in picks)]
            picks += list(
                Article.objects.published(now=now)
                .in_section(self.section_id)
                .exclude(pk__in=exclude)
                .select_related("section")
                .only(*RELATED_FIELDS)
                .newest_first()[:missing]
            )
        return picks

    def is_scheduled(self, *, now=None) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > (now or timezone.now())
        )

    def is_owned_by(self, user) -> bool:
        """The user started the article or signs it."""
        if not user.is_authenticated:
            return False
        if self.created_by_id == user.pk:
            return True
        return self.pk is not None and self.bylines.filter(author__user=user).exists()


class Byline(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="bylines",
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("auteur"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_unique_author"
            ),
        ]

    def __str__(self):
        return f"{self.author} — {self.article}"


class RelatedLink(models.Model):
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="related_links",
    )
    related = models.ForeignKey(
        Article,
        verbose_name=_("article lié"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("à lire également")
        verbose_name_plural = _("à lire également")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "related"], name="related_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(article=models.F("related")), name="related_link_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.article} → {self.related}"


class ArticleTransition(models.Model):
    """One step of an article through the workflow: who, when, from, to, why."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("le"), default=timezone.now)
    from_status = models.CharField(
        _("de"), max_length=20, choices=Article.Status, blank=True
    )
    to_status = models.CharField(_("vers"), max_length=20, choices=Article.Status)
    published_at = models.DateTimeField(_("publication prévue"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("étape du circuit")
        verbose_name_plural = _("historique du circuit")
        indexes = [
            models.Index(
                fields=["article", "-created_at"], name="transition_article_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Correction(models.Model):
    """A dated note shown to readers under a published article."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        CLARIFICATION = "clarification", _("Précision")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=Kind, default=Kind.CORRECTION
    )
    text = models.TextField(
        _("texte"), help_text=_("Affiché aux lecteurs sous l'article.")
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections et précisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["correction", "clarification"]),
                name="correction_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.created_at:%d/%m/%Y}"


class SlugRedirectQuerySet(models.QuerySet):
    def target_for(self, slug):
        """The article an old slug now leads to, if any."""
        redirect = self.filter(old_slug=slug).select_related("article").first()
        return redirect.article if redirect else None


class SlugRedirect(models.Model):
    """An old slug of a published article, kept so its URL answers with a 301."""

    old_slug = models.SlugField(_("ancien slug"), max_length=200, unique=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="slug_redirects",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = SlugRedirectQuerySet.as_manager()

    class Meta:
        verbose_name = _("ancienne adresse")
        verbose_name_plural = _("anciennes adresses")

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


# The lists of the reader pages (WithBylinesIterable, ArticlePageIterable),
# one query each, compiled once per process.
BYLINE_AUTHOR_COLUMNS = model_columns(Author, {"id", *BYLINE_AUTHOR_FIELDS})
LISTING_BYLINES = CompiledQuery(
    Byline,
    lambda *article_ids: (
        Byline.objects.filter(article__in=article_ids)
        .order_by("article_id", "position")
        .values_list(
            "article_id", *(f"author__{name}" for name in BYLINE_AUTHOR_COLUMNS)
        )
    ),
)
TAG_COLUMNS = model_columns(Tag, {"id", "name", "slug"})
ARTICLE_TAGS = CompiledQuery(
    Tag,
    lambda article_id: (
        Tag.objects.filter(articles=article_id)
        .order_by("name")
        .values_list(*TAG_COLUMNS)
    ),
)
CORRECTION_COLUMNS = model_columns(
    Correction, {"id", "article_id", "kind", "text", "created_at"}
)
ARTICLE_CORRECTIONS = CompiledQuery(
    Correction,
    lambda article_id: Correction.objects.filter(article_id=article_id).values_list(
        *CORRECTION_COLUMNS
    ),
)
RELATED_ARTICLE_COLUMNS = model_columns(Article, {"id", "section_id", *RELATED_FIELDS})
RELATED_SECTION_COLUMNS = model_columns(Section, {"id", "name", "slug"})
RELATED_PICKS = CompiledQuery(
    RelatedLink,
    lambda article_id: (
        RelatedLink.objects.filter(article_id=article_id)
        .order_by("position")
        .values_list(
            *(f"related__{name}" for name in RELATED_ARTICLE_COLUMNS),
            *(f"related__section__{name}" for name in RELATED_SECTION_COLUMNS),
        )
    ),
)


def with_section_from_row(using, row, article_columns, section_columns):
    """An article and its section from a row of the article's columns
    followed by the section's (RELATED_PICKS, PUBLISHED_ARTICLE)."""
    split = len(article_columns)
    article = Article.from_db(using, article_columns, row[:split])
    article.section = Section.from_db(using, section_columns, row[split:])
    return article


# What the home page's teasers show of an article (its section comes apart).
FRONT_PAGE_COLUMNS = model_columns(
    Article,
    {"id", "section_id", *(name for name in TEASER_FIELDS if "__" not in name)},
)
FRONT_PAGE = CompiledQuery(
    Article,
    lambda now, *, latest, per_section, vendor: Article.objects.published(
        now=now
    ).front_page_rows(latest=latest, per_section=per_section, vendor=vendor),
)

# What the article page shows of an article and its section: everything but
# the search vector, which only the database reads.
PAGE_ARTICLE_COLUMNS = [
    field.attname
    for field in Article._meta.concrete_fields
    if field.attname != "search_vector"
]
SECTION_COLUMNS = [field.attname for field in Section._meta.concrete_fields]
ALL_SECTIONS = CompiledQuery(
    Section, lambda: Section.objects.values_list(*SECTION_COLUMNS)
)
NEXT_PUBLICATION = CompiledQuery(
    Article,
    lambda now: (
        Article.objects.scheduled(now=now)
        .order_by("published_at")
        .values_list("published_at")[:1]
    ),
)
PUBLISHED_ARTICLE = CompiledQuery(
    Article,
    lambda slug, now: (
        Article.objects.published(now=now)
        .filter(slug=slug)
        .values_list(
            *PAGE_ARTICLE_COLUMNS,
            *(f"section__{name}" for name in SECTION_COLUMNS),
        )
    ),
)
