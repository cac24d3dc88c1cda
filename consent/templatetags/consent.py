from django import template

from consent.embeds import placeholder_embeds

register = template.Library()


@register.filter(is_safe=True)
def consent_embeds(body):
    """Article body (trusted, sanitised HTML) with embeds as click-to-load
    placeholders: ``{{ article.body|consent_embeds }}``."""
    return placeholder_embeds(body or "")


@register.inclusion_tag("consent/banner.html", takes_context=True)
def consent_banner(context):
    """The consent dialog: the same for every page and every reader (consent.js
    reads the reader's state after load)."""
    return {"SITE_NAME": context["SITE_NAME"]}
