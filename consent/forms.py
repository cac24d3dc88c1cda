from django import forms
from django.utils.translation import gettext_lazy as _

from .conf import settings
from .models import ConsentRecord
from .state import optional_groups


class ConsentChoiceForm(forms.Form):
    """One decision, from the banner, its second layer, an embed placeholder
    or the no-JS cookie page."""

    choice = forms.ChoiceField(
        choices=ConsentRecord.Source.choices,
        error_messages={
            "required": _("Indiquez votre choix."),
            "invalid_choice": _("Ce choix n'existe pas."),
        },
    )
    groups = forms.MultipleChoiceField(
        required=False,
        error_messages={"invalid_choice": _("Le groupe « %(value)s » n'existe pas.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = [
            (varname, group.name) for varname, group in optional_groups().items()
        ]

    def decision(self) -> tuple[list[str], list[str] | None]:
        """(accepted, refused) groups; refused None means « every other one »."""
        everything = list(optional_groups())
        match self.cleaned_data["choice"]:
            case ConsentRecord.Source.ACCEPT_ALL:
                return everything, None
            case ConsentRecord.Source.SELECTION:
                return self.cleaned_data["groups"], None
            case ConsentRecord.Source.EMBED:
                # Only the embeds' group: the others keep their state.
                return [settings.CONSENT_EXTERNAL_MEDIA_GROUP], []
            case _:
                return [], None
