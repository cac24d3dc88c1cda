"""Demo comments on the seed article: a short approved discussion with a reply
from the newsroom, and one comment waiting in the moderation queue. Loading is
idempotent: nothing is added once the seed article has comments."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.text import slugify

from articles.demo import seed_article
from articles.models import Article

from .models import Comment, CommentIP

PARIS = ZoneInfo("Europe/Paris")

# name, e-mail, body, status, reply to (index), hours after publication
COMMENTS = [
    (
        "Claire M.",
        "claire.m@example.org",
        "Merci pour cet article clair. Reste à savoir si ce retrait sera "
        "confirmé par les images satellites dans les jours qui viennent.",
        Comment.Status.APPROVED,
        None,
        2,
    ),
    (
        "Jean-Pierre",
        "jp.dumont@example.org",
        "Prudence : on a déjà vu des annonces de retrait qui n'en étaient pas.\n\n"
        "L'OTAN elle-même dit ne constater aucun désengagement sur le terrain.",
        Comment.Status.APPROVED,
        None,
        3,
    ),
    (
        "La rédaction de Ô Magazine",
        "redaction@omag.localhost",
        "Vous avez raison, c'est pourquoi nous citons la réaction de l'OTAN. "
        "Nous suivrons l'évolution de la situation.",
        Comment.Status.APPROVED,
        1,
        5,
    ),
    (
        "Sofia",
        "sofia.r@example.org",
        "Une carte des positions militaires aiderait à comprendre les enjeux.",
        Comment.Status.APPROVED,
        None,
        7,
    ),
    (
        "Marc",
        "marc.l@example.org",
        "Bon article mais j'aimerais un avis d'expert : "
        "https://example.org/analyse et https://example.org/carte",
        Comment.Status.PENDING,
        None,
        9,
    ),
]


@transaction.atomic
def load_demo_comments() -> dict:
    seed = Article.objects.filter(slug=slugify(seed_article.TITLE)).first()
    if seed is None or Comment.objects.on(seed).exists():
        return {"comments": 0}
    moderator = User.objects.filter(username="moderateur").first()
    published = seed.published_at or datetime(2022, 2, 16, 11, 30, tzinfo=PARIS)
    made = []
    for name, email, body, status, reply_to, hours in COMMENTS:
        approved = status == Comment.Status.APPROVED
        comment = Comment.objects.create(
            article=seed,
            parent=made[reply_to] if reply_to is not None else None,
            name=name,
            email=email,
            body=body,
            status=status,
            held_reason="Contient 2 liens." if not approved else "Pré-modération.",
            staff_author=moderator if email.startswith("redaction@") else None,
            moderated_by=moderator if approved else None,
            moderated_at=published + timedelta(hours=hours + 1) if approved else None,
        )
        # auto_now_add cannot be given on create: date the discussion in 2022.
        Comment.objects.filter(pk=comment.pk).update(
            created_at=published + timedelta(hours=hours)
        )
        CommentIP.objects.create(comment=comment, address="192.0.2.0")
        made.append(comment)
    return {"comments": len(made)}
