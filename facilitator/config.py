"""Configuration: defaults, then instance/config.py, then FACILITATOR_* variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

#: Environment variables read at start-up, mapped to Flask config keys.
ENVIRONMENT = {
    "FACILITATOR_DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "FACILITATOR_SECRET_KEY": "SECRET_KEY",
    "FACILITATOR_MESSAGE_QUEUE": "MESSAGE_QUEUE",
    "FACILITATOR_PUBLIC_URL": "PUBLIC_URL",
    "FACILITATOR_ASYNC_MODE": "ASYNC_MODE",
    "FACILITATOR_RATE_LIMIT_STORAGE": "RATE_LIMIT_STORAGE",
    "FACILITATOR_PROXY_COUNT": "PROXY_COUNT",
}


def defaults(instance_path: str) -> dict:
    """Return the built-in configuration for an instance folder."""
    return {
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(instance_path) / "facilitator.sqlite3"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SECRET_KEY": None,
        "MESSAGE_QUEUE": None,
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "ASYNC_MODE": None,
        "RATE_LIMIT_STORAGE": "memory://",
        # Per-participant limits on every write (events and forms alike).
        "RATE_LIMIT_WRITES": "30/10second",
        # Per network address: a venue's wifi puts a whole room behind one address.
        "RATE_LIMIT_JOIN": "300/minute",
        # Unknown join codes per network address: makes guessing codes pointless.
        "RATE_LIMIT_LOOKUP": "30/minute",
        # Number of proxies in front (X-Forwarded-For / -Proto are trusted this deep).
        "PROXY_COUNT": 0,
        "RESULTS_INTERVAL": 0.2,
        # Reaction-count updates per tick are capped so that positions x clients
        # stays near this many deliveries (the rest follow on later ticks).
        "DELIVERIES_PER_TICK": 4_000,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 64 * 1024,
    }


def load(app, test_config: dict | None) -> None:
    """Fill app.config from defaults, the instance folder and the environment."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for env_name, key in ENVIRONMENT.items():
            if os.environ.get(env_name):
                app.config[key] = os.environ[env_name]
    else:
        app.config.from_mapping(test_config)
    app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"].rstrip("/")
    app.config["PROXY_COUNT"] = int(app.config["PROXY_COUNT"])
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        # psycopg 3 is the supported driver.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]


def _instance_secret(instance_path: str) -> str:
    """Read, or create once, a random secret key kept in the instance folder."""
    path = Path(instance_path) / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_hex(32)
        path.write_text(key)
        path.chmod(0o600)
        return key
