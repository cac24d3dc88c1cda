"""Recording a reader's decision: one place, called by the banner (JSON) and
the no-JS cookie page alike."""

from collections.abc import Collection

from cookie_consent.processor import CookiesProcessor
from cookie_consent.util import (
    get_cookie_dict_from_request,
    set_cookie_dict_to_response,
)
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import get_language

from .conf import settings
from .models import ConsentRecord
from .state import ConsentCookie, consent_state, current_version, optional_groups


class ChoiceProcessor(CookiesProcessor):
    """The package's processor decides one action for some groups; a reader's
    choice accepts some groups and refuses the others in one response."""

    def process_choice(
        self, *, accepted: Collection[str], refused: Collection[str]
    ) -> dict[str, bool]:
        groups = optional_groups()
        chosen = [groups[v] for v in groups if v in accepted]
        refused = [groups[v] for v in groups if v in refused and v not in accepted]
        cookie_dic = get_cookie_dict_from_request(self.request)
        for group in chosen:
            cookie_dic[group.varname] = group.get_version()
        for group in refused:
            cookie_dic[group.varname] = settings.COOKIE_CONSENT_DECLINE
        # Withdrawal: delete the refused groups' cookies the browser holds.
        self._delete_cookies(refused)
        if chosen:
            self._log_action(chosen, "accept")
        if refused:
            self._log_action(refused, "decline")
        set_cookie_dict_to_response(self.response, cookie_dic)
        return {g.varname: True for g in chosen} | {g.varname: False for g in refused}


def consent_decide(
    *,
    request: HttpRequest,
    response: HttpResponseBase,
    accepted: Collection[str],
    refused: Collection[str] | None = None,
    source: str,
) -> ConsentRecord:
    """Apply a decision to the response's cookies and keep its proof.

    Groups neither accepted nor refused keep their state (refused defaults to
    every optional group not accepted)."""
    if refused is None:
        refused = [v for v in optional_groups() if v not in accepted]
    choices = ChoiceProcessor(request, response).process_choice(
        accepted=accepted, refused=refused
    )
    previous = consent_state(request).consent_id
    version = current_version()
    cookie = ConsentCookie(previous or ConsentRecord.new_consent_id(), version[:16])
    response.set_cookie(
        settings.CONSENT_COOKIE_NAME,
        cookie.value,
        max_age=settings.CONSENT_MAX_AGE,
        secure=settings.COOKIE_CONSENT_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return ConsentRecord.objects.create(
        consent_id=cookie.consent_id,
        choices=choices,
        version=version,
        source=source,
        language=get_language() or "",
    )
