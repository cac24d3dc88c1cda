from django import template

from consent.embeds import placeholder_embeds
from omag.rendering import render_once

register = template.Library()


@register.filter(is_safe=True)
def consent_embeds(body):
    """Article body (trusted, sanitised HTML) with embeds as click-to-load
    placeholders: ``{{ article.body|consent_embeds }}``."""
    return placeholder_embeds(body or "")


@register.simple_tag(takes_context=True)
def consent_banner(context):
    """The consent dialog (consent/banner.html): the same for every page and
    every reader, so rendered once per language."""
    return render_once(context, "consent/banner.html", SITE_NAME=context["SITE_NAME"])
