from django import template
from django.utils.translation import gettext as _

from ..models import Article

register = template.Library()

DASHBOARD_LIMIT = 20


@register.inclusion_tag("admin/includes/editorial_dashboard.html", takes_context=True)
def editorial_dashboard(context):
    """The admin home's newsroom panels: waiting for review, scheduled, my drafts."""
    user = context["request"].user
    if not user.has_perm("articles.view_article"):
        return {"show": False}
    articles = Article.objects.select_related("section").defer("body")
    panels = [
        (
            "review",
            _("En attente de relecture"),
            list(articles.in_review().order_by("modified_at")[:DASHBOARD_LIMIT]),
        ),
        (
            "scheduled",
            _("Programmés"),
            list(articles.scheduled().order_by("published_at")[:DASHBOARD_LIMIT]),
        ),
        (
            "drafts",
            _("Mes brouillons"),
            list(articles.drafts_of(user).order_by("-modified_at")[:DASHBOARD_LIMIT]),
        ),
    ]
    return {"show": True, "panels": panels}
