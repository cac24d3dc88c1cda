"""`/sante/`: what a load balancer asks every few seconds.

200 while the database answers (the cache down only makes the node
"degraded": it still serves, from the database); 503 when the database does
not, so the balancer takes the node out. JSON, never cached, no session, no
cookie, nothing rendered: cheap enough to be polled.
"""

import logging

from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_state(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "not serving"
        # A broken connection is dropped so the next probe reconnects.
        connections[alias].close_if_unusable_or_obsolete()
        return "down"
    return "ok"


def cache_state(alias: str = "default") -> str:
    cache = caches[alias]
    try:
        if hasattr(cache, "ping"):
            cache.ping()  # omag.cache.ResilientRedisCache: asks Redis now
        else:
            cache.get("health:probe")
    except Exception:  # noqa: BLE001
        return "down"
    return "ok"


@never_cache
@require_safe
def health(request):
    database = database_state()
    cache = cache_state()
    if database != "ok":
        status = "down"
    elif cache != "ok":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "cache": cache},
        status=503 if status == "down" else 200,
    )
