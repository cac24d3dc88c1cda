"""A copy of the most read cached pages in each process's memory.

A page-cache hit from Redis costs a round trip and unpickling the page: about
as much as the rest of the request. A page this process already holds costs
a dict lookup. The copy must never outlive an invalidation made by another
process or node, so it is used only while this process listens to the
invalidations that omag.pagecache publishes on Redis (pub/sub): a listener
thread empties it at each one, and disables it whenever the subscription is
lost (what was published meanwhile is unknown) until it is subscribed again.
It holds fresh pages only, each until its freshness or the page cache's next
deadline ends. Kept because it pays (docs/performance.md, "The local copy").
"""

import contextlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

CHANNEL = "pagecache:invalidated"
RESUBSCRIBE_AFTER = 1.0  # seconds between attempts while Redis is away
# A Redis that hangs keeps the subscription open but publishes nothing: the
# copy is trusted only while Redis answered a ping recently.
PING_EVERY = 2.0
TRUSTED_FOR = 6.0


class LocalPages:
    """Pages by cache key, least recently stored dropped first beyond
    `max_bytes`. `epoch` counts the invalidations heard: a page read from
    Redis before one of them is not kept (see `put`)."""

    def __init__(self, url: str, channel: str, max_bytes: int):
        self.url, self.channel, self.max_bytes = url, channel, max_bytes
        self.listening = False
        self.heard = 0.0  # time.monotonic() of Redis's last word
        self.epoch = 0
        # What this process publishes: it has emptied its copy already.
        self.token = f"{os.getpid()}-{uuid.uuid4().hex}".encode()
        self._pages = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        threading.Thread(
            target=self._listen, name="omag-page-invalidations", daemon=True
        ).start()

    def get(self, key, now: float):
        if not self.listening or time.monotonic() - self.heard > TRUSTED_FOR:
            return None
        kept = self._pages.get(key)
        if kept is None or kept[1] <= now:
            return None
        return kept[0]

    def put(self, key, entry, epoch: int, *, until: float) -> None:
        """Keep a fresh page read (or rendered) while `epoch` was current,
        until `until` at the latest (its freshness, the next deadline)."""
        size = len(entry["content"])
        if size > self.max_bytes // 8:
            return
        with self._lock:
            if not self.listening or epoch != self.epoch:
                return  # an invalidation came in between: it may be stale
            if (old := self._pages.pop(key, None)) is not None:
                self._bytes -= len(old[0]["content"])
            self._pages[key] = (entry, until)
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, (dropped, _until) = self._pages.popitem(last=False)
                self._bytes -= len(dropped["content"])

    def clear(self) -> None:
        with self._lock:
            self.epoch += 1
            self._pages.clear()
            self._bytes = 0

    def _listen(self) -> None:
        while True:
            pubsub = None
            try:
                client = redis.Redis.from_url(
                    self.url,
                    client_name=f"omag-page-invalidations-{os.getpid()}",
                    socket_connect_timeout=1,
                    socket_keepalive=True,
                )
                pubsub = client.pubsub()
                pubsub.subscribe(self.channel)
                pinged = 0.0
                while True:
                    if time.monotonic() - pinged > PING_EVERY:
                        pubsub.ping()
                        pinged = time.monotonic()
                    message = pubsub.get_message(timeout=1)
                    if message is None:
                        continue
                    self.heard = time.monotonic()
                    if message["type"] == "subscribe":
                        self.clear()
                        self.listening = True
                    elif message["type"] == "message" and message["data"] != self.token:
                        self.clear()
            except Exception as error:  # noqa: BLE001 - Redis away: retry
                if self.listening:
                    logger.warning(
                        "Page invalidations unheard, local copy off: %s", error
                    )
            finally:
                self.listening = False
                self.clear()
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
            time.sleep(RESUBSCRIBE_AFTER)


_instances: dict = {}
_publishers: dict = {}
_instances_lock = threading.Lock()


def _redis_location(cache) -> str | None:
    """The Redis server of the page cache, if it is one (the first of a list,
    as Django's backend writes to the first)."""
    if not settings.PAGE_CACHE_LOCAL_BYTES or not isinstance(cache, RedisCache):
        return None
    location = settings.CACHES[settings.PAGE_CACHE_ALIAS]["LOCATION"]
    if isinstance(location, str):
        location = location.split(",")
    return location[0]


def _key(cache):
    """Per process (a fork does not inherit the listener thread), server and
    channel; None when there is no copy (switched off, or not Redis)."""
    location = _redis_location(cache)
    if location is None:
        return None
    return (os.getpid(), location, cache.make_key(CHANNEL))


def local_pages() -> LocalPages | None:
    """This process's copy for the page cache, or None when there is none."""
    key = _key(caches[settings.PAGE_CACHE_ALIAS])
    if key is None:
        return None
    if (pages := _instances.get(key)) is None:
        with _instances_lock:
            if (pages := _instances.get(key)) is None:
                pages = _instances[key] = LocalPages(
                    key[1], key[2], settings.PAGE_CACHE_LOCAL_BYTES
                )
    return pages


def publish_invalidation() -> None:
    """Tell every process (this one at once) that cached pages changed.
    Raises when Redis is unreachable: the caller postpones the purge, and
    the listeners, cut off too, have dropped their copies."""
    key = _key(caches[settings.PAGE_CACHE_ALIAS])
    if key is None:
        return
    token = b""
    if (pages := _instances.get(key)) is not None:
        pages.clear()
        token = pages.token
    if (client := _publishers.get(key[:2])) is None:
        client = _publishers[key[:2]] = redis.Redis.from_url(
            key[1], socket_connect_timeout=0.5, socket_timeout=1
        )
    client.publish(key[2], token)
