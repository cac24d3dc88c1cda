"""Test helpers for comments: rows with explicit statuses and valid form posts."""

import time
from itertools import count

from django.core import signing

from comments.forms import TOKEN_SALT
from comments.models import Comment

_n = count(1)


def make_comment(article, **overrides):
    """An approved comment on article unless told otherwise."""
    n = next(_n)
    fields = {
        "name": f"Lecteur {n}",
        "email": f"lecteur{n}@example.org",
        "body": f"Commentaire numéro {n}.",
        "status": Comment.Status.APPROVED,
    }
    fields.update(overrides)
    return Comment.objects.create(article=article, **fields)


def form_token(article, *, age: float = 30) -> str:
    """A form token as the state endpoint gives it, made `age` seconds ago."""
    return signing.dumps(
        {"a": article.pk, "t": int(time.time() - age)}, salt=TOKEN_SALT
    )


def post_data(article, **overrides):
    n = next(_n)
    data = {
        "name": "Camille",
        "email": f"camille{n}@example.org",
        "body": f"Un commentaire réfléchi, le numéro {n}.",
        "parent": "",
        "website": "",
        "token": form_token(article),
    }
    data.update(overrides)
    return data
