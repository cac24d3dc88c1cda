import reversion
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import admin_views, workflow
from .forms import ArticleAdminForm
from .models import (
    Article,
    ArticleTransition,
    Author,
    Byline,
    Correction,
    RelatedLink,
    Section,
    Tag,
)

admin.site.site_header = _("Ô Magazine — rédaction")
admin.site.site_title = _("Rédaction Ô Magazine")
admin.site.index_title = _("Tableau de bord")


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "article_count"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["display_name", "slug", "user"]
    list_select_related = ["user"]
    prepopulated_fields = {"slug": ["display_name"]}
    search_fields = ["display_name"]
    autocomplete_fields = ["user"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class ArticleInlineMixin:
    """An inline is only editable where its article is (journalists: own drafts)."""

    def _editable(self, request, obj):
        return obj is None or workflow.can_edit(request.user, obj)

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(
            request, obj
        )


class BylineInline(ArticleInlineMixin, admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


class RelatedLinkInline(ArticleInlineMixin, admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 1
    autocomplete_fields = ["related"]
    verbose_name_plural = _(
        "À lire également (glissez les lignes ou numérotez les positions ; un "
        "article non publié n'est pas montré aux lecteurs)"
    )

    class Media:
        js = ["js/related-order.js"]
        css = {"all": ["css/editorial-admin.css"]}


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "created_at", "created_by"]
    readonly_fields = ["created_by"]

    def has_add_permission(self, request, obj):
        # Corrections are for articles readers have seen.
        return (
            super().has_add_permission(request, obj)
            and obj is not None
            and obj.status == Article.Status.PUBLISHED
            and obj.published_at is not None
        )


class StateFilter(admin.SimpleListFilter):
    title = _("état")
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Brouillons")),
            ("review", _("En relecture")),
            ("scheduled", _("Programmés")),
            ("live", _("En ligne")),
            ("unpublished", _("Dépubliés")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        if value in ("draft", "review", "unpublished"):
            return queryset.filter(status=value)
        return queryset


class AuthorFilter(admin.SimpleListFilter):
    title = _("auteur")
    parameter_name = "auteur"

    def lookups(self, request, model_admin):
        return [(a.pk, a.display_name) for a in Author.objects.only("display_name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(bylines__author=self.value()).distinct()
        return queryset


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    list_display = [
        "title",
        "state",
        "section",
        "signatures",
        "published_at",
        "modified_at",
        "modified_by",
    ]
    list_filter = [StateFilter, "section", AuthorFilter, "published_at", "modified_at"]
    list_select_related = ["section", "modified_by"]
    search_fields = ["title", "standfirst", "bylines__author__display_name"]
    search_help_text = _("Titre, chapô ou auteur")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["tags"]
    inlines = [BylineInline, RelatedLinkInline, CorrectionInline]
    # Deleted articles are not recovered from versions: the plain change list.
    change_list_template = None
    change_form_template = "admin/articles/article/change_form.html"
    object_history_template = "admin/articles/article/object_history.html"
    fieldsets = [
        (None, {"fields": ["title", "slug", "section", "standfirst", "body", "tags"]}),
        (
            _("Image principale"),
            {
                "fields": [
                    "lead_image",
                    "lead_image_alt",
                    "lead_image_caption",
                    "lead_image_credit",
                ]
            },
        ),
        (
            _("Publication"),
            {
                "fields": [
                    "status",
                    "published_at",
                    "updated_at",
                    "update_note",
                    "comments_open",
                ]
            },
        ),
        (
            _("Référencement"),
            {"fields": ["meta_description"], "classes": ["collapse"]},
        ),
        (
            _("Circuit de relecture"),
            {"fields": ["workflow_history"], "classes": ["collapse"]},
        ),
    ]

    # --- Lists ---------------------------------------------------------------
    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("body")
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=Byline.objects.select_related("author").order_by(
                        "position"
                    ),
                )
            )
        )

    @admin.display(description=_("état"), ordering="status")
    def state(self, obj):
        if obj.is_scheduled():
            return format_html(
                '<span class="workflow-state workflow-state--scheduled">{} {}</span>',
                _("Programmé pour le"),
                timezone.localtime(obj.published_at).strftime("%d/%m/%Y %H:%M"),
            )
        return format_html(
            '<span class="workflow-state workflow-state--{}">{}</span>',
            obj.status,
            obj.get_status_display(),
        )

    @admin.display(description=_("signatures"))
    def signatures(self, obj):
        return ", ".join(a.display_name for a in obj.authors_in_order())

    @admin.display(description=_("historique du circuit"))
    def workflow_history(self, obj):
        if obj is None or obj.pk is None:
            return _("Aucune étape pour l'instant.")
        steps = obj.transitions.select_related("user")
        if not steps:
            return _("Aucune étape pour l'instant.")
        return format_html(
            '<table class="workflow-history"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th>'
            "</tr></thead><tbody>{}</tbody></table>",
            _("Date"),
            _("Par"),
            _("Étape"),
            _("Note"),
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{} → {}{}</td><td>{}</td></tr>",
                (
                    (
                        timezone.localtime(s.created_at).strftime("%d/%m/%Y %H:%M"),
                        s.user.get_username() if s.user else "—",
                        s.get_from_status_display() or "—",
                        s.get_to_status_display(),
                        format_html(
                            " ({} {})",
                            _("pour le"),
                            timezone.localtime(s.published_at).strftime(
                                "%d/%m/%Y %H:%M"
                            ),
                        )
                        if s.published_at
                        else "",
                        s.note,
                    )
                    for s in steps
                ),
            ),
        )

    # --- Permissions ---------------------------------------------------------------
    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or workflow.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (
            obj is None or workflow.can_publish(request.user)
        )

    def get_readonly_fields(self, request, obj=None):
        fields = ["status", "workflow_history"]
        if not workflow.can_publish(request.user):
            fields += ["published_at", "updated_at", "update_note"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    # --- Saving --------------------------------------------------------------------
    def save_model(self, request, obj, form, change):
        old_slug = (
            Article.objects.filter(pk=obj.pk).values_list("slug", flat=True).first()
            if change
            else None
        )
        if not change:
            obj.created_by = request.user
        obj.modified_by = request.user
        super().save_model(request, obj, form, change)
        if old_slug:
            workflow.slug_changed(article=obj, old_slug=old_slug)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for removed in formset.deleted_objects:
            removed.delete()
        for correction in instances:
            if correction.pk:
                correction.save()
            else:
                workflow.correction_add(
                    article=form.instance,
                    user=request.user,
                    text=correction.text,
                    kind=correction.kind,
                    at=correction.created_at,
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = getattr(request.user, "author", None)
        if not change and author is not None and not article.bylines.exists():
            Byline.objects.create(article=article, author=author)
        hidden = [
            link.related.title
            for link in article.related_links.select_related("related")
            if not link.related.is_published()
        ]
        if hidden:
            messages.warning(
                request,
                _(
                    "Non publiés, donc pas encore montrés aux lecteurs dans « À lire "
                    "également » : %(titles)s."
                )
                % {"titles": ", ".join(f"« {t} »" for t in hidden)},
            )

    def _apply_workflow(self, request, obj):
        action = request.POST.get("workflow_action", "")
        if not action:
            return None
        try:
            workflow.article_transition(
                article=obj,
                user=request.user,
                action=action,
                at=obj.published_at,
                note=request.POST.get("workflow_note", ""),
            )
        except ValidationError as error:
            # The form checked it already; only a race gets here.
            raise PermissionDenied(" ".join(error.messages)) from error
        done = {
            workflow.SUBMIT: _("Article soumis à la relecture."),
            workflow.PUBLISH: _("Article publié."),
            workflow.SCHEDULE: _("Publication programmée pour le %(date)s."),
            workflow.UNPUBLISH: _("Article dépublié."),
            workflow.SEND_BACK: _("Article renvoyé à son auteur."),
        }[action]
        if action == workflow.SCHEDULE:
            done %= {
                "date": timezone.localtime(obj.published_at).strftime(
                    "%d/%m/%Y à %H:%M"
                )
            }
        messages.success(request, done)
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[obj.pk])
        )

    def response_add(self, request, obj, post_url_continue=None):
        return self._apply_workflow(request, obj) or super().response_add(
            request, obj, post_url_continue
        )

    def response_change(self, request, obj):
        return self._apply_workflow(request, obj) or super().response_change(
            request, obj
        )

    # --- Pages -----------------------------------------------------------------------
    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        article = obj or Article()
        context.update(
            workflow_actions=[
                (action, workflow.ACTION_LABELS[action])
                for action in workflow.available_actions(request.user, article)
            ],
            can_publish=workflow.can_publish(request.user),
            sent_back=(
                article.transitions.filter(to_status=Article.Status.DRAFT)
                .exclude(note="")
                .select_related("user")
                .first()
                if obj is not None and obj.status == Article.Status.DRAFT
                else None
            ),
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "image-library/",
                view(admin_views.image_library),
                name="articles_article_image_library",
            ),
            path(
                "<int:pk>/preview/",
                view(admin_views.preview),
                name="articles_article_preview",
            ),
            path(
                "<int:pk>/preview-link/",
                view(admin_views.preview_link),
                name="articles_article_preview_link",
            ),
            path(
                "<int:pk>/versions/compare/",
                view(admin_views.compare_versions),
                name="articles_article_compare",
            ),
            path(
                "<int:pk>/versions/<int:version_id>/restore/",
                view(admin_views.restore_version),
                name="articles_article_restore",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            self._keep_initial_version(object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def _keep_initial_version(self, object_id):
        """An article made outside the admin (import, demo) has no version yet:
        keep its current state before the first edit, so it can be compared
        and restored."""
        article = Article.objects.filter(pk=object_id).first()
        if article is None or Version.objects.get_for_object(article).exists():
            return
        with reversion.create_revision():
            reversion.add_to_revision(article)
            reversion.set_user(article.modified_by or article.created_by)
            reversion.set_comment(
                _("État avant la première modification dans l'admin.")
            )

    def history_view(self, request, object_id, extra_context=None):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = Version.objects.get_for_object(article).select_related(
            "revision", "revision__user"
        )
        return TemplateResponse(
            request,
            self.object_history_template,
            {
                **self.admin_site.each_context(request),
                "title": _("Versions de « %s »") % article,
                "subtitle": None,
                "opts": self.model._meta,
                "object": article,
                "versions": versions,
                "can_restore": workflow.can_edit(request.user, article),
                "preserved_filters": self.get_preserved_filters(request),
                **(extra_context or {}),
            },
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Restoring goes through our own view, which keeps status and dates.
        return HttpResponseRedirect(
            reverse("admin:articles_article_history", args=[object_id])
        )

    def recover_view(self, request, version_id, extra_context=None):
        raise PermissionDenied

    def recoverlist_view(self, request, extra_context=None):
        raise PermissionDenied


@admin.register(ArticleTransition)
class ArticleTransitionAdmin(admin.ModelAdmin):
    list_display = ["article", "from_status", "to_status", "user", "created_at"]
    list_filter = ["to_status", "created_at"]
    list_select_related = ["article", "user"]
    search_fields = ["article__title", "note"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
