from cookie_consent.views import CookieGroupListView, CookieStatusView, is_ajax_like
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .conf import settings
from .forms import ConsentChoiceForm
from .middleware import _CookieView
from .models import AudienceCount
from .services import consent_decide
from .state import ConsentState, consent_state, groups_for_display


def state_json(request, state: ConsentState) -> dict:
    """What consent.js needs; the package's status keys plus ours."""
    return {
        "csrftoken": get_token(request),
        "acceptedCookieGroups": state.accepted,
        "declinedCookieGroups": state.declined,
        "notAcceptedOrDeclinedCookieGroups": state.pending,
        # Groups whose scripts and embeds may run now.
        "activeCookieGroups": [v for v in state.accepted if state.is_accepted(v)],
        "needsChoice": state.needs_choice,
    }


@method_decorator(never_cache, name="dispatch")
class ConsentStatusView(CookieStatusView):
    """The package's status endpoint, extended with « ask again? » (groups or
    texts changed, or choice expired) and the groups allowed to run."""

    def get(self, request):
        return JsonResponse(state_json(request, consent_state(request)))


@method_decorator(never_cache, name="dispatch")
class CookieSettingsView(CookieGroupListView):
    """The cookie page: every group and cookie, and the choice form. Works
    without JavaScript; the banner's second layer is its form partial."""

    template_name = "consent/cookie_settings.html"
    form = None

    def get_queryset(self):
        return groups_for_display()

    def get_context_data(self, **kwargs):
        state = consent_state(self.request)
        return super().get_context_data(
            state=state,
            active=[v for v in state.accepted if state.is_accepted(v)],
            form=self.form or ConsentChoiceForm(),
            next=self.request.GET.get("next", ""),
            **kwargs,
        )


cookie_settings = CookieSettingsView.as_view()
cookie_panel = CookieSettingsView.as_view(
    template_name="consent/cookie_settings.html#choice-form",
    extra_context={"id_prefix": "panel-"},
)
consent_status = ConsentStatusView.as_view()


def _safe_next(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("consent:settings")


@never_cache
@require_POST
def consent_save(request):
    """Record a decision. JSON for consent.js; post/redirect/get otherwise."""
    form = ConsentChoiceForm(request.POST)
    if not form.is_valid():
        if is_ajax_like(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        view = CookieSettingsView(form=form)
        view.setup(request)
        view.object_list = view.get_queryset()
        return view.render_to_response(view.get_context_data(), status=400)

    accepted, refused = form.decision()
    response = (
        JsonResponse({})
        if is_ajax_like(request)
        else HttpResponseRedirect(_safe_next(request))
    )
    consent_decide(
        request=request,
        response=response,
        accepted=accepted,
        refused=refused,
        source=form.cleaned_data["choice"],
    )
    if is_ajax_like(request):
        new_state = consent_state(_CookieView(request, response))
        response.content = JsonResponse(state_json(request, new_state)).content
    else:
        messages.success(request, _("Vos choix de cookies sont enregistrés."))
    return response


@csrf_exempt  # sent by navigator.sendBeacon; refused without the consent cookies
@never_cache
@require_POST
def audience_hit(request):
    """The first-party audience script's page-view ping."""
    state = consent_state(request)
    if not state.is_accepted(settings.CONSENT_AUDIENCE_GROUP):
        return HttpResponse(_("Mesure d'audience non acceptée."), status=403)
    if settings.CONSENT_AUDIENCE_COOKIE_NAME not in request.COOKIES:
        return HttpResponse(_("Cookie de mesure d'audience absent."), status=400)
    path = request.POST.get("path", "")
    if not path.startswith("/") or len(path) > 500:
        return HttpResponse(_("Adresse de page invalide."), status=400)
    AudienceCount.objects.record_view(
        path=path.split("?")[0].split("#")[0],
        new_visitor=request.POST.get("new") == "1",
    )
    return HttpResponse(status=204)
