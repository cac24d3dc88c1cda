import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy

from . import services
from .models import Comment, ModerationWord


class CommentAdminForm(forms.ModelForm):
    newsroom_reply = forms.CharField(
        label=_("Répondre au nom de la rédaction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Publiée aussitôt sous ce commentaire, signée par la rédaction. "
            "Répondre à un commentaire en attente l'approuve."
        ),
    )

    class Meta:
        model = Comment
        fields = ["name", "body"]


class CommenterDataForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du commentateur"))


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    form = CommentAdminForm
    list_display = [
        "excerpt",
        "article",
        "name",
        "status",
        "held_reason",
        "age",
        "moderated_by",
    ]
    list_filter = ["status", "created_at"]
    list_select_related = ["article", "moderated_by"]
    search_fields = ["name", "email", "body", "article__title"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject", "mark_spam"]
    readonly_fields = [
        "article",
        "parent",
        "email",
        "status",
        "held_reason",
        "staff_author",
        "moderated_by",
        "moderated_at",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["article", "parent", "name", "email", "body"]}),
        (
            _("Modération"),
            {
                "fields": [
                    "status",
                    "held_reason",
                    "moderated_by",
                    "moderated_at",
                    "created_at",
                    "staff_author",
                ]
            },
        ),
        (None, {"fields": ["newsroom_reply"]}),
    ]

    def get_ordering(self, request):
        return Comment.objects.pending_first().query.order_by

    def has_add_permission(self, request):
        # Comments come from readers; the newsroom replies from a comment's page.
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("comments.moderate_comment")

    def has_commenter_data_permission(self, request):
        return request.user.has_perm("comments.manage_commenter_data")

    @admin.display(description=_("commentaire"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("âge"), ordering="created_at")
    def age(self, obj):
        return timesince(obj.created_at)

    moderation_messages = {
        Comment.Status.APPROVED: ngettext_lazy(
            "%(count)d commentaire approuvé.",
            "%(count)d commentaires approuvés.",
            "count",
        ),
        Comment.Status.REJECTED: ngettext_lazy(
            "%(count)d commentaire rejeté.", "%(count)d commentaires rejetés.", "count"
        ),
        Comment.Status.SPAM: ngettext_lazy(
            "%(count)d commentaire marqué comme indésirable.",
            "%(count)d commentaires marqués comme indésirables.",
            "count",
        ),
    }

    def _moderate(self, request, queryset, status):
        count = services.comments_moderate(
            comments=queryset, status=status, moderator=request.user
        )
        self.message_user(
            request,
            self.moderation_messages[status] % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approuver"), permissions=["moderate"])
    def approve(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.APPROVED)

    @admin.action(description=_("Rejeter"), permissions=["moderate"])
    def reject(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.REJECTED)

    @admin.action(description=_("Marquer comme indésirable"), permissions=["moderate"])
    def mark_spam(self, request, queryset):
        self._moderate(request, queryset, Comment.Status.SPAM)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data and obj.status == Comment.Status.APPROVED:
            # An approved comment edited: its article's pages show the change.
            services.comments_shown_changed(article_ids={obj.article_id})
        reply = form.cleaned_data.get("newsroom_reply", "").strip()
        if reply:
            if not self.has_moderate_permission(request):
                raise PermissionDenied
            services.comment_reply_as_newsroom(
                parent=obj, body=reply, moderator=request.user
            )
            self.message_user(
                request, _("Réponse de la rédaction publiée."), messages.SUCCESS
            )

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.comments_shown_changed(article_ids={obj.article_id})

    def delete_queryset(self, request, queryset):
        article_ids = set(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        services.comments_shown_changed(article_ids=article_ids)

    def get_urls(self):
        return [
            path(
                "commenter-data/",
                self.admin_site.admin_view(self.commenter_data_view),
                name="comments_comment_commenter_data",
            ),
            *super().get_urls(),
        ]

    def commenter_data_view(self, request):
        """Export (JSON) or erase everything about one commenter's e-mail."""
        if not self.has_commenter_data_permission(request):
            raise PermissionDenied
        form = CommenterDataForm(request.POST or request.GET or None)
        found = None
        if form.is_valid():
            email = form.cleaned_data["email"]
            if request.method == "POST" and "erase" in request.POST:
                result = services.commenter_erase(email=email)
                deleted = (
                    ngettext(
                        "%(deleted)d commentaire supprimé",
                        "%(deleted)d commentaires supprimés",
                        result["deleted"],
                    )
                    % result
                )
                anonymised = (
                    ngettext(
                        "%(anonymised)d anonymisé",
                        "%(anonymised)d anonymisés",
                        result["anonymised"],
                    )
                    % result
                )
                self.message_user(
                    request,
                    _("Données effacées : %(deleted)s, %(anonymised)s.")
                    % {"deleted": deleted, "anonymised": anonymised},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:comments_comment_commenter_data"))
            if "export" in request.GET:
                data = services.commenter_export(email=email)
                response = HttpResponse(
                    json.dumps(data, ensure_ascii=False, indent=2),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = (
                    'attachment; filename="commentaires-donnees.json"'
                )
                return response
            found = Comment.objects.by_email(email).select_related("article")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Données d'un commentateur"),
            "form": form,
            "found": found,
        }
        return TemplateResponse(
            request, "admin/comments/comment/commenter_data.html", context
        )


@admin.register(ModerationWord)
class ModerationWordAdmin(admin.ModelAdmin):
    list_display = ["word", "kind"]
    list_filter = ["kind"]
    search_fields = ["word"]
