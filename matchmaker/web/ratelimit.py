"""Failed-login throttling with `limits`: per client IP and per account, checked before hashing."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import parse
from limits.storage import storage_from_string
from limits.aio.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class Throttled:
    retry_after_seconds: int


class LoginThrottle:
    def __init__(self, rule: str, storage_uri: str) -> None:
        self.item = parse(rule)
        uri = storage_uri if storage_uri.startswith("async+") else f"async+{storage_uri}"
        self.limiter = MovingWindowRateLimiter(storage_from_string(uri))

    def _keys(self, ip: str, account: str) -> list[tuple[str, str]]:
        return [("login-ip", ip), ("login-account", account.strip().lower())]

    async def check(self, *, ip: str, account: str) -> Throttled | None:
        """None while both the IP and the account may still try; else when to come back."""
        waits = []
        for scope, key in self._keys(ip, account):
            if not await self.limiter.test(self.item, scope, key):
                stats = await self.limiter.get_window_stats(self.item, scope, key)
                waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        return Throttled(max(waits)) if waits else None

    async def record_failure(self, *, ip: str, account: str) -> None:
        for scope, key in self._keys(ip, account):
            await self.limiter.hit(self.item, scope, key)
