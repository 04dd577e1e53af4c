"""Configuration: defaults, then instance/config.py, then FACILITATOR_* variables.

Every setting below can be given as an environment variable named
`FACILITATOR_<KEY>` (Flask's `from_prefixed_env` convention: values that
read as JSON — numbers, true/false, lists — take that type, anything else is
a string). `FACILITATOR_DATABASE_URL` is the one name that differs from its
key (`SQLALCHEMY_DATABASE_URI`). docs/configuration.md lists them all; a test
keeps that list complete.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PREFIX = "FACILITATOR"

#: Environment variables whose name is not FACILITATOR_<Flask key>.
RENAMED = {"FACILITATOR_DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}


@dataclass(frozen=True)
class Setting:
    default: object
    kind: type
    meaning: str


#: Every setting Facilitator reads, with its default and what it does.
SETTINGS: dict[str, Setting] = {
    "SQLALCHEMY_DATABASE_URI": Setting(
        None, str, "Any SQLAlchemy URL. PostgreSQL URLs are "
        "served through psycopg 3. Default: an SQLite file in the instance folder."),
    "SECRET_KEY": Setting(
        None, str, "Signs the session cookie and CSRF tokens; give every process of one "
        "deployment the same key. Default: a random key kept in <instance>/secret_key."),
    "MESSAGE_QUEUE": Setting(
        None, str, "A Redis URL through which several server processes reach each other's clients."),
    "PUBLIC_URL": Setting(
        None, str, "The address people use (links, QR codes, URLs printed by the CLI). Default: the "
        "host and port `facilitator serve` listens on (a LAN address for 0.0.0.0)."),
    "ASYNC_MODE": Setting(None, str, "gevent (the default of `facilitator serve`) or threading."),
    "RATE_LIMIT_STORAGE": Setting(
        "memory://", str, "Where rate-limit counters live: memory:// in the process, or a limits "
        "storage URL such as redis://... shared by several processes."),
    "RATE_LIMIT_WRITES": Setting(
        "30/10second", str, "Votes, positions, reactions and hands per participant."),
    "RATE_LIMIT_JOIN": Setting(
        "300/minute", str, "Joins per network address (a venue's wifi puts a room behind one address)."),
    "RATE_LIMIT_LOOKUP": Setting(
        "30/minute", str, "Unknown join codes and wrong tokens per network address, on every path "
        "that takes a code."),
    "RATE_LIMIT_CONNECT": Setting(
        "1200/minute", str, "Socket.IO connections per network address: generous, since a venue's wifi "
        "puts hundreds of phones behind one address and all of them reconnect after a restart."),
    "RATE_LIMIT_STATE": Setting(
        "10/10second", str, "get_state and get_positions per connection (a real client needs a few)."),
    "RATE_LIMIT_LOGIN": Setting("10/minute", str, "Organizer log-in attempts per network address."),
    "RATE_LIMIT_LOGIN_ACCOUNT": Setting(
        "5/minute", str, "Failed log-ins per organizer account, whatever the address."),
    "PROXY_COUNT": Setting(
        0, int, "How many reverse proxies stand in front; X-Forwarded-For/-Proto/-Host are trusted "
        "that deep."),
    "RESULTS_INTERVAL": Setting(
        0.2, float, "Seconds between coalesced results, reaction counts and participation updates."),
    "DELIVERIES_PER_TICK": Setting(
        4_000, int, "Messages per coalescing tick for new positions and reaction counts (the rest "
        "follow on later ticks), scaled from ×0.25 while the process is saturated to ×2 while it is idle."),
    "GROUP_COMMIT_WINDOW": Setting(
        0.002, float, "Seconds the writer waits for more joins, votes, positions and reactions to "
        "share one transaction and one commit (each is acknowledged after that commit)."),
    "GROUP_COMMIT_MAX": Setting(
        64, int, "Most writes in one group transaction (their acks wait for all of them to be written)."),
    "OPINION_INTERVAL": Setting(
        2.5, float, "Seconds between two live recomputes of a workshop's opinion maps (in the background, "
        "only after reactions or positions changed)."),
    "OPINION_POINTS_PUBLIC": Setting(
        1_000, int, "Most points of an opinion map sent to each participant and screen (an even sample; "
        "moderators get every point)."),
    "PUBLIC_GROUP_MIN": Setting(
        5, int, "Others see a position author's attendance and stakeholder group only once at least "
        "this many participants share them."),
    "SESSION_COOKIE_SAMESITE": Setting("Lax", str, "SameSite attribute of the session cookie."),
    "SESSION_COOKIE_HTTPONLY": Setting(True, bool, "Hide the session cookie from scripts."),
    "SESSION_COOKIE_SECURE": Setting(
        None, bool, "Send the session cookie over https only. Default: yes when PUBLIC_URL is https "
        "(which also turns HSTS on)."),
    "WTF_CSRF_TIME_LIMIT": Setting(None, int, "Lifetime of CSRF tokens in seconds (none: the session's)."),
    "MAX_CONTENT_LENGTH": Setting(64 * 1024, int, "Largest request body in bytes."),
    "COMPRESS_ALGORITHM": Setting(
        "br,gzip", str, "How pages are compressed for browsers that accept it (Flask-Compress), "
        "in order of preference."),
    "COMPRESS_STREAMS": Setting(False, bool, "Compress streamed responses too (downloads are not streamed)."),
    "STATIC_MAX_AGE": Setting(
        365 * 24 * 3600, int, "Seconds browsers keep versioned static files (their URLs change "
        "when the file does)."),
}


def settings_table() -> str:
    """The Markdown table of every setting, as docs/configuration.md shows it (a test compares)."""
    rows = ["| environment variable | type | default | meaning |", "|---|---|---|---|"]
    for key, setting in SETTINGS.items():
        name = "FACILITATOR_DATABASE_URL" if key == "SQLALCHEMY_DATABASE_URI" else f"{PREFIX}_{key}"
        default = ("`sqlite:///<instance>/facilitator.sqlite3`" if key == "SQLALCHEMY_DATABASE_URI"
                   else "none" if setting.default is None else f"`{setting.default}`")
        rows.append(f"| `{name}` | {setting.kind.__name__} | {default} | {setting.meaning} |")
    return "\n".join(rows)


def defaults(instance_path: str) -> dict:
    """Return the built-in configuration for an instance folder."""
    values = {key: setting.default for key, setting in SETTINGS.items()}
    values["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(instance_path) / "facilitator.sqlite3")
    values["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    return values


def instance_path(test_config: dict | None) -> str | None:
    """The instance folder from the test config or FACILITATOR_INSTANCE_PATH (None: Flask's default)."""
    if test_config and test_config.get("INSTANCE_PATH"):
        return str(test_config["INSTANCE_PATH"])
    return os.environ.get(f"{PREFIX}_INSTANCE_PATH") or None


def load(app, test_config: dict | None) -> None:
    """Fill app.config from defaults, the instance folder and the environment."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env(PREFIX)
        for env_name, key in RENAMED.items():
            if os.environ.get(env_name):
                app.config[key] = os.environ[env_name]
    else:
        app.config.from_mapping(test_config)
    _coerce(app.config)
    if app.config["PUBLIC_URL"]:
        app.config["PUBLIC_URL"] = app.config["PUBLIC_URL"].rstrip("/")
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://") or uri.startswith("postgres://"):
        # psycopg 3 is the supported driver.
        app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    if uri.startswith("sqlite"):
        from .sqlite_locks import Connection

        # Waiting for a lock must not stop a gevent server (sqlite_locks.py).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options["connect_args"] = {"factory": Connection, **(options.get("connect_args") or {})}


def _coerce(config) -> None:
    """Give settings read from the environment their documented type ("5" → 5, 1234 → "1234")."""
    for key, setting in SETTINGS.items():
        value = config.get(key)
        if value is None or isinstance(value, setting.kind) and not (
                setting.kind is int and isinstance(value, bool)):
            continue
        try:
            if setting.kind is bool:
                config[key] = str(value).strip().lower() in ("1", "true", "yes", "on")
            else:
                config[key] = setting.kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"setting {key} must be {setting.kind.__name__}, not {value!r}") from None


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
