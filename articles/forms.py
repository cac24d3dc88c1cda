"""The article form of the admin: sanitised body, checked lead image, the
workflow button that was pressed, and the refusal of a stale save."""

import warnings

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image
from tinymce.widgets import AdminTinyMCE

from . import workflow
from .models import Article
from .sanitize import sanitize_body

IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}


def image_limits_text() -> str:
    return _(
        "JPEG, PNG ou WebP ; %(size)s au plus, %(mp)s millions de pixels au plus, "
        "%(side)s pixels de côté au plus."
    ) % {
        "size": filesizeformat(settings.ARTICLE_IMAGE_MAX_BYTES),
        "mp": settings.ARTICLE_IMAGE_MAX_PIXELS // 1_000_000,
        "side": settings.ARTICLE_IMAGE_MAX_SIDE,
    }


def validate_lead_image(upload) -> None:
    """Accept a real JPEG, PNG or WebP within the limits, judged by its content
    (never its name), fully decoded so that a truncated file is caught."""
    if upload.size > settings.ARTICLE_IMAGE_MAX_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s ; la limite est %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.ARTICLE_IMAGE_MAX_BYTES),
            },
            code="too_big",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                fmt = image.format
                width, height = image.size
                if fmt not in IMAGE_FORMATS:
                    raise ValidationError(
                        _(
                            "Format refusé : seules les images JPEG, PNG et WebP sont acceptées."
                        ),
                        code="format",
                    )
                if (
                    width * height > settings.ARTICLE_IMAGE_MAX_PIXELS
                    or max(width, height) > settings.ARTICLE_IMAGE_MAX_SIDE
                ):
                    raise ValidationError(
                        _(
                            "L'image mesure %(w)s × %(h)s pixels, c'est trop grand "
                            "(%(limits)s)"
                        )
                        % {"w": width, "h": height, "limits": image_limits_text()},
                        code="too_large",
                    )
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("Cette image se décompresse en un nombre démesuré de pixels : refusée."),
            code="bomb",
        ) from None
    except Exception:
        # Pillow raises many kinds of errors on broken files; all mean the same.
        raise ValidationError(
            _("Ce fichier n'est pas une image lisible (corrompu ou tronqué ?)."),
            code="invalid",
        ) from None
    finally:
        upload.seek(0)


class LeadImageField(forms.ImageField):
    """Our own checks replace Django's so the errors say exactly what is wrong."""

    def to_python(self, data):
        f = forms.FileField.to_python(self, data)
        if f is None:
            return None
        validate_lead_image(f)
        return f


class ArticleAdminForm(forms.ModelForm):
    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    workflow_action = forms.CharField(widget=forms.HiddenInput, required=False)
    workflow_note = forms.CharField(
        label=gettext_lazy("Note pour le circuit"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Obligatoire pour renvoyer à l'auteur ; l'auteur la voit sur l'article."
        ),
    )

    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "section",
            "standfirst",
            "body",
            "tags",
            "lead_image",
            "lead_image_alt",
            "lead_image_caption",
            "lead_image_credit",
            "published_at",
            "updated_at",
            "update_note",
            "comments_open",
        ]
        field_classes = {"lead_image": LeadImageField}
        widgets = {
            "body": AdminTinyMCE(
                mce_attrs={
                    "image_list": reverse_lazy("admin:articles_article_image_library")
                }
            )
        }

    # The admin's get_form() sets the request on a subclass.
    request = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "lead_image" in self.fields:
            self.fields["lead_image"].help_text = image_limits_text()
        if "body" in self.fields:
            self.fields["body"].help_text = _(
                "Pour intégrer une vidéo ou un post (YouTube, Vimeo, X, Instagram), "
                "collez son adresse seule sur une ligne ou utilisez le bouton média : "
                "les lecteurs verront un encadré à activer. Le texte est nettoyé à "
                "l'enregistrement (pas de script, de style ni d'iframe)."
            )
        if "published_at" in self.fields:
            self.fields["published_at"].help_text = _(
                "Pour programmer, choisissez une date future puis « Programmer »."
            )
        if self.instance.pk:
            self.fields["edit_token"].initial = self.token_of(self.instance)

    @staticmethod
    def token_of(article) -> str:
        return article.modified_at.isoformat() if article.modified_at else ""

    def clean_body(self):
        return sanitize_body(self.cleaned_data.get("body", ""))

    def clean(self):
        cleaned = super().clean()
        self.check_not_stale()
        image = cleaned.get("lead_image", getattr(self.instance, "lead_image", None))
        if (
            "lead_image_alt" in self.fields
            and image
            and not cleaned.get("lead_image_alt", "").strip()
        ):
            self.add_error(
                "lead_image_alt",
                _(
                    "Décrivez l'image : le texte alternatif est obligatoire avec une image."
                ),
            )
        action = cleaned.get("workflow_action", "")
        if action and self.request is not None:
            # PermissionDenied propagates (403); a ValidationError shows here.
            try:
                workflow.check_action(
                    user=self.request.user,
                    article=self.instance,
                    action=action,
                    at=cleaned.get("published_at", self.instance.published_at),
                    note=cleaned.get("workflow_note", ""),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def check_not_stale(self):
        """Refuse to overwrite what someone else saved since this form was
        opened; what this person typed stays in the form."""
        if not self.instance.pk:
            return
        current = self.token_of(self.instance)
        if self.cleaned_data.get("edit_token") == current:
            return
        by = self.instance.modified_by
        self.data = self.data.copy()
        # A second save, made knowingly after reading the message, goes through.
        self.data[self.add_prefix("edit_token")] = current
        self.add_error(
            None,
            ValidationError(
                _(
                    "%(who)s a modifié cet article le %(when)s, après que vous "
                    "l'avez ouvert. Vos changements n'ont pas été enregistrés et "
                    "sont toujours dans le formulaire : comparez avec l'historique, "
                    "puis enregistrez de nouveau pour remplacer sa version."
                )
                % {
                    "who": (by.get_full_name() or by.get_username())
                    if by
                    else _("Quelqu'un"),
                    "when": formats.date_format(
                        timezone.localtime(self.instance.modified_at),
                        "DATETIME_FORMAT",
                    ),
                },
                code="stale",
            ),
        )
