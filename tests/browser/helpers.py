"""Helpers shared by the browser journeys."""


def refuse_optional_cookies(context, base_url):
    """Record "Tout refuser" in this browser context, as a reader would."""
    from django.urls import reverse

    from tests.consent.helpers import seed_cookie_groups

    seed_cookie_groups()
    status = context.request.get(base_url + reverse("consent:status")).json()
    context.request.post(
        base_url + reverse("consent:save"),
        form={"choice": "refuse_all", "csrfmiddlewaretoken": status["csrftoken"]},
        headers={"X-Cookie-Consent-Fetch": "1"},
    )
