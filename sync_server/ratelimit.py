"""Rate limits shared by every worker: per client address and per account.

With ``AUTHORWORKS_SERVER_REDIS_URL`` the counts live in Redis, so all workers and hosts
count together (a fixed one-minute window per key: INCR, and EXPIRE on the first hit); without
it, each worker counts in memory (a sliding window). The client address is the peer's, or,
when the peer is one of ``trusted_proxies``, the last address in X-Forwarded-For that is not
a trusted proxy: a header sent by anyone else is ignored, so rotating it changes nothing.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import defaultdict, deque
from typing import Any, Protocol

from sync_server.errors import RateLimited

WINDOW_SECONDS = 60


class RateLimiter(Protocol):
    def check(self, key: tuple[str, ...], limit: int) -> None:
        """Count one hit of ``key``; RateLimited once it passes ``limit`` a minute."""
        ...


class MemoryRateLimiter:
    """A sliding one-minute window per key, in this worker's memory."""

    def __init__(self) -> None:
        self._hits: dict[tuple[str, ...], deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: tuple[str, ...], limit: int) -> None:
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] > WINDOW_SECONDS:
                hits.popleft()
            if len(hits) >= limit:
                raise RateLimited("too many attempts: wait a minute and try again")
            hits.append(now)


class RedisRateLimiter:
    """A fixed one-minute window per key in Redis, shared by every worker and host."""

    def __init__(self, url: str, *, prefix: str = "authorworks:rl:") -> None:
        import redis

        self._redis: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def check(self, key: tuple[str, ...], limit: int) -> None:
        import redis

        window = int(time.time() // WINDOW_SECONDS)
        name = self.prefix + ":".join(key) + f":{window}"
        try:
            with self._redis.pipeline() as pipe:
                pipe.incr(name)
                pipe.expire(name, WINDOW_SECONDS * 2, nx=True)
                count = int(pipe.execute()[0])
        except redis.RedisError:
            return  # Redis down: limits lapse rather than every sign-in failing
        if count > limit:
            raise RateLimited("too many attempts: wait a minute and try again")


def make_rate_limiter(redis_url: str) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()


def parse_proxies(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``10.0.0.1, 10.1.0.0/16`` as networks; ValueError naming a bad entry."""
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"AUTHORWORKS_SERVER_TRUSTED_PROXIES: {part!r} is no address"
                ) from exc
    return networks


def _trusted(address: str, proxies: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(peer: str, forwarded_for: str, proxies: list[Any]) -> str:
    """The client's address: the peer's, unless the peer is a trusted proxy (then the last
    hop of X-Forwarded-For that is not one)."""
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer
