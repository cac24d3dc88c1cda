"""Admin pages of an article beside its form: preview, preview link, image
library for the editor, version comparison and restore."""

from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from reversion.models import Version

from . import workflow
from .images import rendition_url
from .models import Article
from .views import preview_banner, render_preview


def _article_for_staff(request, pk, *, change=False):
    article = get_object_or_404(Article.objects.for_detail(), pk=pk)
    perm = "articles.change_article" if change else "articles.view_article"
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return article


@never_cache
def preview(request, pk):
    """The article at its real page layout, whatever its status."""
    article = _article_for_staff(request, pk)
    return render_preview(request, article, banner=preview_banner(article))


@require_POST
def preview_link(request, pk):
    """A signed, expiring link for someone without an account (editors)."""
    article = _article_for_staff(request, pk)
    if not workflow.can_publish(request.user):
        raise PermissionDenied
    url = request.build_absolute_uri(workflow.preview_url(article))
    until = timezone.localtime() + timedelta(
        seconds=settings.ARTICLE_PREVIEW_LINK_MAX_AGE
    )
    messages.success(
        request,
        _("Lien d'aperçu, valable jusqu'au %(until)s : %(url)s")
        % {"until": until.strftime("%d/%m/%Y à %H:%M"), "url": url},
    )
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))


def image_library(request):
    """Lead images already uploaded, for the editor's "insert image" dialog."""
    if not request.user.has_perm("articles.view_article"):
        raise PermissionDenied
    articles = (
        Article.objects.exclude(lead_image="")
        .only("title", "lead_image_alt", "lead_image_renditions")
        .order_by("-modified_at")[:100]
    )
    images = []
    for article in articles:
        items = (article.lead_image_renditions or {}).get("items") or []
        if items:
            images.append(
                {
                    "title": article.lead_image_alt or article.title,
                    "value": rendition_url(items[-1]["jpg"]),
                }
            )
    return JsonResponse(images, safe=False)


def compare_versions(request, pk):
    article = _article_for_staff(request, pk)
    versions = Version.objects.get_for_object(article).select_related(
        "revision", "revision__user"
    )
    try:
        old = versions.get(pk=int(request.GET.get("from", "")))
        new = versions.get(pk=int(request.GET.get("to", "")))
    except (ValueError, Version.DoesNotExist):
        messages.error(request, _("Choisissez deux versions de cet article."))
        return HttpResponseRedirect(
            reverse("admin:articles_article_history", args=[pk])
        )
    if old.revision.date_created > new.revision.date_created:
        old, new = new, old
    return TemplateResponse(
        request,
        "admin/articles/article/compare.html",
        {
            **_admin_context(request),
            "title": _("Comparer deux versions de « %s »") % article,
            "object": article,
            "old": old,
            "new": new,
            "rows": workflow.versions_diff(old, new),
            "can_restore": workflow.can_edit(request.user, article),
        },
    )


@require_POST
def restore_version(request, pk, version_id):
    article = _article_for_staff(request, pk, change=True)
    version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
    with reversion.create_revision():
        workflow.article_restore(article=article, version=version, user=request.user)
        reversion.set_user(request.user)
        reversion.set_comment(
            _("Restauration de la version du %s")
            % timezone.localtime(version.revision.date_created).strftime(
                "%d/%m/%Y %H:%M"
            )
        )
    messages.success(request, _("Version restaurée. Le statut n'a pas changé."))
    return HttpResponseRedirect(reverse("admin:articles_article_change", args=[pk]))


def _admin_context(request):
    from django.contrib import admin

    return {**admin.site.each_context(request), "opts": Article._meta}
