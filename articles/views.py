from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView, TemplateView

from omag.pagecache import mark_cacheable

from .models import (
    FRONT_PAGE_LATEST,
    FRONT_PAGE_PER_SECTION,
    Article,
    Author,
    Section,
    SlugRedirect,
    Tag,
)
from .pagination import CountlessPaginator
from .search import SearchForm, search
from .workflow import preview_article_pk


class PublicPageMixin:
    """Reader pages are the same for every reader: the page cache keeps them
    until what they show changes (articles/purge.py)."""

    def is_cacheable(self) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if response.status_code == 200 and self.is_cacheable():
            mark_cacheable(response)
        return response


class HomeView(PublicPageMixin, TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        # The section navigation lists them too (see section_nav).
        all_sections = list(Section.objects.all())
        latest, by_section = Article.objects.front_page(
            latest=FRONT_PAGE_LATEST, per_section=FRONT_PAGE_PER_SECTION
        )
        sections = [
            (section, by_section[section.pk])
            for section in all_sections
            if section.pk in by_section
        ]
        return super().get_context_data(
            latest=latest, sections=sections, all_sections=all_sections, **kwargs
        )


class ArticleListView(PublicPageMixin, ListView):
    """A paginated list of published articles about one subject (a section, an
    author, a tag): subclasses say which model and which QuerySet question."""

    paginate_by = settings.ARTICLES_PER_PAGE
    paginator_class = CountlessPaginator
    subject_model = None
    context_object_name = "articles"

    def get(self, request, *args, **kwargs):
        self.subject = self.get_subject(kwargs["slug"])
        return super().get(request, *args, **kwargs)

    def get_subject(self, slug):
        return get_object_or_404(self.subject_model, slug=slug)

    def get_queryset(self):
        return self.filter_published(Article.objects.published()).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class SectionView(ArticleListView):
    subject_model = Section
    template_name = "articles/section_detail.html"

    def get_subject(self, slug):
        # The navigation lists every section: one query finds this one too.
        self.all_sections = list(Section.objects.all())
        for section in self.all_sections:
            if section.slug == slug:
                return section
        raise Http404

    def get_context_data(self, **kwargs):
        return super().get_context_data(all_sections=self.all_sections, **kwargs)

    def filter_published(self, published):
        return published.in_section(self.subject)


class AuthorView(ArticleListView):
    subject_model = Author
    template_name = "articles/author_detail.html"

    def filter_published(self, published):
        return published.by_author(self.subject)


class TagView(ArticleListView):
    subject_model = Tag
    template_name = "articles/tag_detail.html"

    def filter_published(self, published):
        return published.tagged(self.subject)


class ArticleDetailView(PublicPageMixin, DetailView):
    """A published article; for staff who may change articles, any article
    (a preview at its real address, never cached)."""

    context_object_name = "article"

    def get_queryset(self):
        if self.request.user.has_perm("articles.change_article"):
            return Article.objects.for_detail()
        return Article.objects.published().for_detail()

    def get(self, request, *args, **kwargs):
        try:
            response = super().get(request, *args, **kwargs)
        except Http404:
            target = SlugRedirect.objects.target_for(kwargs["slug"])
            if target is None:
                raise
            return HttpResponsePermanentRedirect(target.get_absolute_url())
        if not self.object.is_published():
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_template_names(self):
        if self.object.is_published():
            return ["articles/article_detail.html"]
        return ["articles/article_preview.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            related=self.object.related_articles(), **kwargs
        )
        if not self.object.is_published():
            context["preview_banner"] = preview_banner(self.object)
        return context

    def is_cacheable(self):
        # No object when the method is not GET (OPTIONS answers 200 too).
        article = getattr(self, "object", None)
        return article is not None and article.is_published()


class SearchView(TemplateView):
    """Results of the reader's query; a bad query is answered with the form
    and its error (400), never a server error."""

    template_name = "articles/search.html"

    def get(self, request, *args, **kwargs):
        form = SearchForm(request.GET)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        query = form.cleaned_data["q"]
        results = None
        if query:
            results = search(
                Article.objects.published(),
                query,
                page_number=request.GET.get("page"),
            )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                query=query,
                results=results,
                page_obj=results.page if results else None,
            )
        )


def preview_banner(article) -> str:
    """What staff read above an article that readers cannot see (yet)."""
    if article.is_published():
        return _("Aperçu de la version enregistrée.")
    return _("Aperçu : « %(status)s », les lecteurs ne voient pas cette page.") % {
        "status": article.get_status_display()
    }


def render_preview(request, article, *, banner):
    response = TemplateResponse(
        request,
        "articles/article_preview.html",
        {
            "article": article,
            "object": article,
            "related": article.related_articles(),
            "preview_banner": banner,
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def preview(request, token):
    """A draft shown through a signed, expiring link to someone without an
    account (made by an editor in the admin)."""

    try:
        pk = preview_article_pk(token, max_age=settings.ARTICLE_PREVIEW_LINK_MAX_AGE)
    except signing.SignatureExpired:
        return TemplateResponse(
            request,
            "articles/preview_expired.html",
            {"reason": _("Ce lien d'aperçu a expiré. Demandez-en un nouveau.")},
            status=410,
        )
    except (signing.BadSignature, ValueError):
        raise Http404(_("Lien d'aperçu invalide.")) from None
    article = get_object_or_404(Article.objects.for_detail(), pk=pk)
    return render_preview(
        request, article, banner=_("Aperçu confidentiel : ne pas diffuser ce lien.")
    )
