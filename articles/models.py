import math

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVectorField
from django.db import connections, models
from django.db.models import F, Func, OuterRef, Prefetch, Q, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext_lazy as _


def unique_slug(model, value: str, *, exclude_pk=None, max_length: int = 200) -> str:
    """A slug made from value that no other row of model uses yet."""
    base = (slugify(value) or "sans-titre")[: max_length - 6].strip("-")
    slug, n = base, 2
    others = model._default_manager.exclude(pk=exclude_pk)
    while others.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


class Section(models.Model):
    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("ordre"),
        default=0,
        help_text=_("Les rubriques sont listées par ordre croissant."),
    )

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


# The home page: the newest articles, then the newest of each section.
FRONT_PAGE_LATEST = 7
FRONT_PAGE_PER_SECTION = 4

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
        """When the next scheduled article goes live (None if none is due)."""
        return (
            self.scheduled(now=now)
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        return self.filter(bylines__author=author)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def with_bylines(self):
        """Each article's bylines and their authors (authors_in_order()), in
        one more query for all the articles."""
        return self.prefetch_related(
            Prefetch(
                "bylines",
                queryset=Byline.objects.select_related("author").only(
                    "article_id", "position", "author__display_name", "author__slug"
                ),
            )
        )

    def for_listing(self):
        """What a teaser needs (and only that: a listing loads many rows):
        title, dates, image, section, bylines; newest first."""
        return (
            self.select_related("section")
            .with_bylines()
            .only(*TEASER_FIELDS)
            .newest_first()
        )

    def front_page(self, *, latest: int, per_section: int):
        """Of these articles, the `latest` newest and the `per_section` newest
        of each section, in one query (ArticleManager.front_page() splits them).

        On PostgreSQL the rows are found by small index scans, one per section
        (a correlated subquery), so the cost does not grow with the number of
        articles; SQLite cannot slice inside a UNION and gets window functions
        instead."""
        if connections[self.db].vendor == "postgresql":
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
            return self.model.objects.filter(pk__in=ids)
        newest = [F("published_at").desc(), F("pk").desc()]
        return self.annotate(
            rank=Window(RowNumber(), order_by=newest),
            section_rank=Window(
                RowNumber(), partition_by=F("section_id"), order_by=newest
            ),
        ).filter(Q(rank__lte=latest) | Q(section_rank__lte=per_section))

    def search(self, query: str):
        """Articles matching a reader's query, best match first (see search.py:
        PostgreSQL full-text search, a simpler LIKE search elsewhere)."""
        from .search import search_queryset

        return search_queryset(self, query)

    def for_detail(self):
        """Everything the article page shows: the article and its section in one
        query, then its bylines, tags, corrections and related picks in one
        query each."""
        return (
            self.select_related("section")
            .with_bylines()
            .prefetch_related(
                "tags",
                "corrections",
                Prefetch(
                    "related_links",
                    queryset=RelatedLink.objects.select_related(
                        "related__section"
                    ).only(
                        "article_id",
                        "position",
                        *(f"related__{name}" for name in RELATED_FIELDS),
                    ),
                ),
            )
        )

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

    def front_page(self, *, latest: int, per_section: int, now=None):
        """The `latest` newest published articles, and the `per_section`
        newest of each section (as {section id: articles}), for listing."""
        articles = list(
            self.published(now=now)
            .front_page(latest=latest, per_section=per_section)
            .for_listing()
        )
        by_section = {}
        for article in articles:
            # The newest of all may be older ones of their section.
            in_section = by_section.setdefault(article.section_id, [])
            if len(in_section) < per_section:
                in_section.append(article)
        # The newest of all come first in the rows.
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
        text = self.meta_description or strip_tags(self.standfirst)
        return Truncator(" ".join(text.split())).chars(300)

    @cached_property
    def word_count(self) -> int:
        return len(strip_tags(self.body).split())

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
        """The article's authors in byline order (prefetched by with_bylines())."""
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
        picks = [
            link.related
            for link in self.related_links.all()  # prefetched by for_detail()
            if link.related.is_published(now=now)
        ][:limit]
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
