"""Per-participant rate limits shared by socket events and form posts (`limits`)."""

from __future__ import annotations

from flask import Flask, current_app
from limits import parse, storage, strategies

from .errors import RateLimited


class RateLimiter:
    def __init__(self, app: Flask):
        self._storage = storage.storage_from_string(app.config["RATE_LIMIT_STORAGE"])
        self._strategy = strategies.MovingWindowRateLimiter(self._storage)
        self._limits = {
            "write": parse(app.config["RATE_LIMIT_WRITES"]),
            "join": parse(app.config["RATE_LIMIT_JOIN"]),
        }

    def hit(self, kind: str, *identifiers) -> None:
        """Count one action; raise RateLimited past the limit for these identifiers."""
        if not self._strategy.hit(self._limits[kind], kind, *map(str, identifiers)):
            raise RateLimited()


def hit(kind: str, *identifiers) -> None:
    current_app.extensions["facilitator.ratelimiter"].hit(kind, *identifiers)
