from django import template

from consent.embeds import placeholder_embeds

register = template.Library()


@register.filter(is_safe=True)
def consent_embeds(body):
    """Article body (trusted, sanitised HTML) with embeds as click-to-load
    placeholders: ``{{ article.body|consent_embeds }}``."""
    return placeholder_embeds(body or "")
