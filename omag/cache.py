"""Django's Redis cache, made to survive a Redis outage.

When Redis is unreachable, a cache must not turn every page into a 500: reads
miss, writes are dropped, and the site serves from the database. Django's own
backend raises on every call; this one (like django-redis's IGNORE_EXCEPTIONS)
degrades instead, logs ONE warning per outage and process (then one line when
Redis is back), and stops trying for `RETRY_AFTER` seconds so that a Redis
that hangs costs one timeout, not one per cache call.

Counters are different: a rate limit that silently reads 0 would let every
post through. `incr` and `decr` raise `CacheUnavailable` during an outage so
that their callers decide (comments hold posts for moderation).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 2.0  # seconds without trying Redis after a failure


class CacheUnavailable(Exception):
    """The cache could not be reached: a counter's value is unknown."""


class _Outage:
    """Per process: when Redis last failed, and whether that was logged."""

    down_until = 0.0
    logged = False


class ResilientRedisCache(RedisCache):
    def _call(self, method, default, *args, **kwargs):
        if time.monotonic() < _Outage.down_until:
            return default
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except OUTAGE_ERRORS as error:
            self._failed(error)
            return default
        self._succeeded()
        return result

    @staticmethod
    def _failed(error) -> None:
        _Outage.down_until = time.monotonic() + RETRY_AFTER
        if not _Outage.logged:
            _Outage.logged = True
            logger.warning("Cache unreachable, serving without it: %s", error)

    @staticmethod
    def _succeeded() -> None:
        if _Outage.logged:
            _Outage.logged = False
            logger.warning("Cache reachable again")

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Every key "failed" to be stored, as the contract says.
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        if time.monotonic() < _Outage.down_until:
            raise CacheUnavailable("cache unreachable")
        try:
            result = super().incr(key, delta, version)
        except OUTAGE_ERRORS as error:
            self._failed(error)
            raise CacheUnavailable(str(error)) from error
        self._succeeded()
        return result

    def decr(self, key, delta=1, version=None):
        return self.incr(key, -delta, version)

    def ping(self) -> None:
        """Raise unless Redis answers now (for the health endpoint: it asks
        Redis even during a back-off)."""
        RedisCache.has_key(self, "omag:health")  # raises when Redis does not answer
        self._succeeded()
        _Outage.down_until = 0.0
