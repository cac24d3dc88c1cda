"""The comment form is the security boundary: a signed timestamp tied to the
article, a honeypot, plain-text cleaning and length limits."""

import re
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _

from .models import Comment

TOKEN_SALT = "comments.form"
# Control characters other than tab and newline never belong in a comment.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def form_token(article) -> str:
    return signing.dumps({"a": article.pk, "t": int(time.time())}, salt=TOKEN_SALT)


def plain_text(value: str, *, single_line: bool = False) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL_RE.sub("", value)
    if single_line:
        value = " ".join(value.split())
    return re.sub(r"\n{3,}", "\n\n", value).strip()


class CommentForm(forms.Form):
    name = forms.CharField(
        label=_("Nom"),
        max_length=80,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Indiquez votre nom.")},
    )
    email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("Jamais publié. Sert seulement à vous contacter si besoin."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )
    body = forms.CharField(
        label=_("Commentaire"),
        max_length=settings.COMMENTS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Écrivez votre commentaire.")},
    )
    parent = forms.IntegerField(
        required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput
    )
    token = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    # Hidden from people (CSS and aria-hidden), filled by robots.
    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, article, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)
        self.fields["body"].widget.attrs["maxlength"] = settings.COMMENTS_MAX_LENGTH

    def clean_name(self):
        name = plain_text(self.cleaned_data["name"], single_line=True)
        if not name:
            raise forms.ValidationError(_("Indiquez votre nom."), code="required")
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip()

    def clean_body(self):
        body = plain_text(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(
                _("Écrivez votre commentaire."), code="required"
            )
        return body

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        if pk is None:
            return None
        parent = (
            Comment.objects.approved()
            .on(self.article)
            .filter(pk=pk, parent__isnull=True)
            .first()
        )
        if parent is None:
            raise forms.ValidationError(
                _("On ne peut répondre qu'à un commentaire publié de cet article."),
                code="bad_parent",
            )
        return parent

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(
                _("Votre commentaire a été pris pour un envoi automatique."),
                code="honeypot",
            )
        return ""

    def clean_token(self):
        expired = _(
            "Le formulaire a expiré. Votre texte est conservé : envoyez-le de nouveau."
        )
        try:
            data = signing.loads(self.cleaned_data["token"], salt=TOKEN_SALT)
        except signing.BadSignature:
            raise forms.ValidationError(expired, code="bad_token") from None
        if (
            not isinstance(data, dict)
            or data.get("a") != self.article.pk
            or not isinstance(data.get("t"), int)
        ):
            raise forms.ValidationError(expired, code="bad_token")
        age = time.time() - data["t"]
        if age > settings.COMMENTS_FORM_MAX_AGE:
            raise forms.ValidationError(expired, code="expired")
        if age < settings.COMMENTS_FORM_MIN_SECONDS:
            raise forms.ValidationError(
                _("Envoyé trop vite : relisez-vous et envoyez de nouveau."),
                code="too_fast",
            )
        return ""

    def clean(self):
        # Errors of fields the reader cannot see are shown above the form.
        for name in ("token", "parent", "website"):
            for error in self._errors.pop(name, ErrorList()).as_data():
                self.add_error(None, error)
        return super().clean()

    def refresh_token(self):
        """After a token error, the re-shown form carries a fresh token so that
        sending again works."""
        data = self.data.copy()
        data["token"] = form_token(self.article)
        self.data = data
