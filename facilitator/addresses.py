"""The address people use to reach this server: links on pages, QR codes, URLs printed by the CLI.

In order: FACILITATOR_PUBLIC_URL when set; behind reverse proxies, the
address the request came to; the host and port `facilitator serve` listens
on (a LAN address when it listens on every interface); in a request, the
address the browser used; the address the last `facilitator serve` of this
instance folder listened on (so `create-workshop` in a second terminal
prints the right port); else http://127.0.0.1:5000.
"""

from __future__ import annotations

import socket
from pathlib import Path

from flask import Flask, current_app, has_request_context, request

FALLBACK = "http://127.0.0.1:5000"
#: Written by `facilitator serve` into the instance folder.
SERVED_URL_FILE = "served-url"
ANY_HOST = ("0.0.0.0", "::", "")


def public_base() -> str:
    """The base URL (no trailing slash) to print and to encode in QR codes."""
    config = current_app.config
    if config.get("PUBLIC_URL"):
        return config["PUBLIC_URL"]
    if has_request_context() and config.get("PROXY_COUNT"):
        return request.host_url.rstrip("/")
    if config.get("SERVED_URL"):
        return config["SERVED_URL"]
    if has_request_context():
        return request.host_url.rstrip("/")
    return _read_served_url(current_app) or FALLBACK


def public_url(path: str) -> str:
    return public_base() + path


def served_url(host: str, port: int) -> str:
    """The URL people reach a server listening on host:port with."""
    if host in ANY_HOST:
        host = lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def lan_address() -> str:
    """This machine's address on its default route (no packet is sent), else loopback."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never contacted, only routed
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def remember_served_url(app: Flask, url: str) -> None:
    """Use `url` for this process and tell later CLI commands of this instance folder."""
    app.config["SERVED_URL"] = url
    try:
        (Path(app.instance_path) / SERVED_URL_FILE).write_text(url + "\n", encoding="utf-8")
    except OSError:
        pass  # a read-only instance folder: this process still knows


def _read_served_url(app: Flask) -> str | None:
    try:
        text = (Path(app.instance_path) / SERVED_URL_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text if text.startswith(("http://", "https://")) else None
