"""The article page is the same for every reader (so it can be cached whole);
what is the reader's own (the CSRF token, the form token, the "thank you"
message, their pending comments) comes from `comment_state` after load. The
`comment_form` page is the same form rendered with its tokens for readers
without JavaScript and for re-showing a refused comment."""

from django.contrib import messages
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from omag.security import client_ip

from . import services
from .forms import CommentForm, form_token
from .models import Comment
from .moderation import comments_closed_reason

SESSION_KEY = "comments_mine"
MAX_REMEMBERED = 20


def _published_article(slug):
    return get_object_or_404(Article.objects.published(), slug=slug)


def _mine(request, article) -> list[Comment]:
    """This reader's comments awaiting moderation."""
    pks = request.session.get(SESSION_KEY, []) if hasattr(request, "session") else []
    if not pks:
        return []
    return list(Comment.objects.on(article).pending().filter(pk__in=pks))


def _remember(request, comment):
    pks = [comment.pk, *request.session.get(SESSION_KEY, [])][:MAX_REMEMBERED]
    request.session[SESSION_KEY] = pks


def _render_form_page(request, article, form, *, status=200):
    form.refresh_token()
    return render(
        request,
        "comments/comment_form.html",
        {
            "article": article,
            "form": form,
            "closed_reason": comments_closed_reason(article),
            "mine": _mine(request, article),
            "reply_to": form.cleaned_data.get("parent") if form.is_bound else None,
            "origin": "form" if request.POST.get("from") == "form" else "article",
        },
        status=status,
    )


@require_POST
def comment_post(request, slug):
    article = _published_article(slug)
    form = CommentForm(request.POST, article=article)
    if not form.is_valid():
        return _render_form_page(request, article, form, status=400)
    data = form.cleaned_data
    try:
        comment = services.comment_submit(
            article=article,
            name=data["name"],
            email=data["email"],
            body=data["body"],
            parent=data["parent"],
            ip=client_ip(request) or None,
        )
    except services.CommentRefused as refused:
        form.add_error(None, refused)
        status = 429 if refused.code == "rate_limited" else 400
        if refused.code == "closed":
            status = 403
        return _render_form_page(request, article, form, status=status)
    if comment.status == Comment.Status.APPROVED:
        messages.success(request, _("Merci ! Votre commentaire est publié."))
    elif comment.status == Comment.Status.PENDING:
        _remember(request, comment)
        messages.success(
            request, _("Merci ! Votre commentaire est en attente de modération.")
        )
    else:
        # Spam: told the same as a held comment, so spammers learn nothing.
        messages.success(
            request, _("Merci ! Votre commentaire est en attente de modération.")
        )
    if request.POST.get("from") == "form":
        return redirect("comments:form", slug=article.slug)
    return redirect(f"{article.get_absolute_url()}#commentaires")


@never_cache
@require_GET
def comment_form(request, slug):
    """The comment form on a page of its own, with its tokens: works without
    JavaScript, and is where replies ("Répondre") land."""
    article = _published_article(slug)
    reply_to = None
    parent = request.GET.get("parent", "")
    if parent.isascii() and parent.isdigit() and len(parent) < 19:
        reply_to = (
            Comment.objects.approved()
            .on(article)
            .filter(pk=int(parent), parent__isnull=True)
            .first()
        )
    form = CommentForm(
        article=article,
        initial={"parent": reply_to and reply_to.pk, "token": form_token(article)},
    )
    context = {
        "article": article,
        "form": form,
        "closed_reason": comments_closed_reason(article),
        "mine": _mine(request, article),
        "reply_to": reply_to,
    }
    return render(request, "comments/comment_form.html", context)


@never_cache
@require_GET
def comment_state(request, slug):
    """What the cached article page cannot hold: this reader's tokens, the
    message after posting and their comments awaiting moderation."""
    article = _published_article(slug)
    mine = _mine(request, article)
    return JsonResponse(
        {
            "csrf_token": get_token(request),
            "form_token": form_token(article),
            "messages": [str(m) for m in messages.get_messages(request)],
            "pending": [
                {
                    "id": comment.pk,
                    "parent": comment.parent_id,
                    "html": render_to_string(
                        "comments/includes/comment.html",
                        {"comment": comment, "mine": True},
                    ),
                }
                for comment in mine
            ],
        }
    )
