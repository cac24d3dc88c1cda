from django.urls import reverse

FETCH = {"HTTP_X_COOKIE_CONSENT_FETCH": "1"}


def decide(client, choice, groups=(), **extra):
    """Post a decision as consent.js does; returns the JSON response."""
    return client.post(
        reverse("consent:save"),
        {"choice": choice, "groups": list(groups)},
        **FETCH,
        **extra,
    )


def status(client):
    return client.get(reverse("consent:status")).json()
