"""Rate limits shared by socket events and form posts.

Limits are written as `limits` strings ("30/10second"). With several server
processes they are counted in Redis through the `limits` library
(FACILITATOR_RATE_LIMIT_STORAGE=redis://...). The embedded default counts in
this process with a sliding-window counter per key: `limits`' own memory
storage runs a 10 ms timer that walks every key, which at 2,000 participants
cost about a third of the server's CPU during a vote burst (docs/performance.md).
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse, storage, strategies

from .errors import RateLimited

#: Forgotten keys are swept after this many hits (amortised, no timer).
SWEEP_EVERY = 10_000


class LocalWindows:
    """Sliding-window counters kept in this process (approximate, like Redis' sliding window)."""

    def __init__(self):
        self._windows: dict[tuple, list] = {}  # key -> [window index, count, previous count, seconds]
        self._lock = threading.Lock()
        self._hits = 0

    def hit(self, item: RateLimitItem, key: tuple, count: bool = True) -> bool:
        """Count one action (unless `count` is false) and tell whether it is within the limit."""
        seconds = item.get_expiry()
        now = time.monotonic()
        index, elapsed = divmod(now, seconds)
        with self._lock:
            entry = self._windows.get(key)
            if entry is None or entry[0] < index - 1:
                entry = [index, 0, 0, seconds]
            elif entry[0] == index - 1:
                entry = [index, 0, entry[1], seconds]
            self._windows[key] = entry
            if entry[2] * (1 - elapsed / seconds) + entry[1] >= item.amount:
                return False
            if not count:
                return True
            entry[1] += 1
            self._hits += 1
            if self._hits % SWEEP_EVERY == 0:
                self._sweep(now)
            return True

    def _sweep(self, now: float) -> None:
        """Drop entries whose windows ended over a window ago: they count nothing any more."""
        stale = [k for k, e in self._windows.items() if (e[0] + 2) * e[3] <= now]
        for key in stale:
            del self._windows[key]


#: Each kind of action and the setting that limits it.
KINDS = {
    "write": "RATE_LIMIT_WRITES",          # per participant: votes, positions, reactions, hands
    "join": "RATE_LIMIT_JOIN",             # per network address
    "lookup": "RATE_LIMIT_LOOKUP",         # unknown codes and wrong tokens, per network address
    "connect": "RATE_LIMIT_CONNECT",       # Socket.IO connections, per network address
    "state": "RATE_LIMIT_STATE",           # get_state and get_positions, per connection
    "login": "RATE_LIMIT_LOGIN",           # log-in attempts, per network address
    "login_account": "RATE_LIMIT_LOGIN_ACCOUNT",  # failed log-ins, per account
}


class RateLimiter:
    def __init__(self, app: Flask):
        self._limits = {kind: parse(app.config[key]) for kind, key in KINDS.items()}
        uri = app.config["RATE_LIMIT_STORAGE"]
        if uri.startswith("memory"):
            self._local = LocalWindows()
            self._strategy = None
        else:
            self._local = None
            self._strategy = strategies.SlidingWindowCounterRateLimiter(storage.storage_from_string(uri))

    def _check(self, kind: str, identifiers: tuple, count: bool) -> None:
        item = self._limits[kind]
        key = (kind, *map(str, identifiers))
        if self._local is not None:
            allowed = self._local.hit(item, key, count)
        else:
            allowed = (self._strategy.hit if count else self._strategy.test)(item, *key)
        if not allowed:
            raise RateLimited(retry_after=item.get_expiry())

    def hit(self, kind: str, *identifiers) -> None:
        """Count one action; raise RateLimited past the limit for these identifiers."""
        self._check(kind, identifiers, count=True)

    def hit_quietly(self, kind: str, *identifiers) -> None:
        """Count one action without refusing it (a failed log-in, counted for the next attempt)."""
        try:
            self._check(kind, identifiers, count=True)
        except RateLimited:
            pass

    def check(self, kind: str, *identifiers) -> None:
        """Raise RateLimited if one more action would be past the limit, without counting one."""
        self._check(kind, identifiers, count=False)


def limiter() -> RateLimiter:
    return current_app.extensions["facilitator.ratelimiter"]


def hit(kind: str, *identifiers) -> None:
    limiter().hit(kind, *identifiers)
