"""Small explicit helpers that make test rows, with relative times."""

from datetime import timedelta
from io import BytesIO
from itertools import count

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Author, Byline, RelatedLink, Section, Tag

_n = count(1)


def now():
    return timezone.now()


def yesterday():
    return now() - timedelta(days=1)


def tomorrow():
    return now() + timedelta(days=1)


def image_file(name="photo.jpg", size=(1600, 900), fmt="JPEG", colour=(180, 30, 40)):
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return ContentFile(out.getvalue(), name=name)


def make_section(**overrides):
    n = next(_n)
    fields = {"name": f"Rubrique {n}", "slug": f"rubrique-{n}", "order": n}
    fields.update(overrides)
    return Section.objects.create(**fields)


def make_author(**overrides):
    n = next(_n)
    fields = {"display_name": f"Auteur {n}", "slug": f"auteur-{n}"}
    fields.update(overrides)
    return Author.objects.create(**fields)


def make_tag(**overrides):
    n = next(_n)
    fields = {"name": f"Sujet {n}", "slug": f"sujet-{n}"}
    fields.update(overrides)
    return Tag.objects.create(**fields)


def make_article(*, authors=(), tags=(), related=(), image=False, **overrides):
    """A published article of yesterday unless told otherwise."""
    n = next(_n)
    fields = {
        "title": f"Article {n}",
        "standfirst": f"Chapô de l'article {n}.",
        "body": f"<p>Corps de l'article {n}.</p>",
        "status": Article.Status.PUBLISHED,
        "published_at": yesterday(),
    }
    fields.update(overrides)
    if "section" not in fields:
        fields["section"] = make_section()
    article = Article(**fields)
    if image:
        article.lead_image_alt = article.lead_image_alt or f"Image de l'article {n}"
        article.lead_image.save(f"article-{n}.jpg", image_file(), save=False)
    article.save()
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    if tags:
        article.tags.set(tags)
    for position, other in enumerate(related):
        RelatedLink.objects.create(article=article, related=other, position=position)
    return article
