"""Security headers on every response, and a session cookie nobody can read.

The session cookie carries participants' and moderators' tokens (capabilities):
it is encrypted and authenticated (Fernet: AES-128-CBC with HMAC-SHA256, key
derived from SECRET_KEY), so a copied or logged cookie shows nothing. It is
`Secure` and HSTS is sent when the public address is https.
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, Response, request, session
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

#: The pages' policy: scripts and styles from this server only (no inline script anywhere),
#: style attributes allowed (the width of result bars), no framing, no plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
#: An image of ours (the SVG favicon) opened on its own: nothing may run or load in it.
CSP_IMAGE = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
#: A downloaded report is one self-contained file: its own styles, nothing else.
CSP_DOCUMENT = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


#: Messages waiting to be shown, kept at most.
FLASHES_KEPT = 3


class FernetSerializer:
    """itsdangerous-like dumps/loads that encrypt as well as sign."""

    def __init__(self, secret_key: str | bytes):
        if isinstance(secret_key, str):
            secret_key = secret_key.encode()
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"facilitator",
                   info=b"session cookie").derive(secret_key)
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._json = TaggedJSONSerializer()

    def dumps(self, value) -> str:
        # UTF-8 rather than \u escapes: a flash in Russian or Arabic takes a third of the bytes,
        # and the cookie goes with every request a phone makes.
        data = json.dumps(self._json.tag(value), separators=(",", ":"), ensure_ascii=False)
        return self._fernet.encrypt(data.encode()).decode("ascii")

    def loads(self, token: str, max_age: int | None = None):
        try:
            data = self._fernet.decrypt(token.encode("ascii"), ttl=max_age)
        except (InvalidToken, UnicodeEncodeError, ValueError):
            raise BadSignature("not a session of ours") from None
        try:
            return self._json.loads(data.decode())
        except (ValueError, json.JSONDecodeError):
            raise BadSignature("unreadable session") from None


class EncryptedSessionInterface(SecureCookieSessionInterface):
    """Flask's cookie session, encrypted."""

    def save_session(self, app: Flask, session, response: Response) -> None:
        # Flask-Login looks at the session after every request, which would mark static
        # files "Vary: Cookie": they never depend on it, and shared caches should keep them.
        if request.endpoint == "static" and not session.modified:
            return
        super().save_session(app, session, response)

    def get_signing_serializer(self, app: Flask):
        if not app.secret_key:
            return None
        serializer = app.extensions.get("facilitator.session_serializer")
        if serializer is None:
            serializer = app.extensions["facilitator.session_serializer"] = FernetSerializer(app.secret_key)
        return serializer


#: Static files that are never rendered as a document (SVG can be, so it keeps every header).
STATIC_SCRIPTS_AND_STYLES = ("text/javascript", "application/javascript", "text/css")


REDIRECTS = frozenset({301, 302, 303, 307, 308})


def init_app(app: Flask) -> None:
    https = (app.config.get("PUBLIC_URL") or "").startswith("https://")
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = https
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.session_interface = EncryptedSessionInterface()

    @app.after_request
    def few_flashes(response: Response) -> Response:
        """Keep the last few messages only: a client posting without reading the pages would
        otherwise grow its cookie past what browsers keep, and lose its session."""
        if request.endpoint != "static" and len(session.get("_flashes", ())) > FLASHES_KEPT:
            session["_flashes"] = session["_flashes"][-FLASHES_KEPT:]
        return response

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        if https or request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if request.endpoint == "static":
            # Policies about framing, referrers and windows concern documents: a script or a
            # style sheet only needs nosniff, and a phone on 3G downloads a few of them. An
            # image (the SVG favicon) could be opened as a document: nothing may run in it.
            if response.mimetype not in STATIC_SCRIPTS_AND_STYLES:
                headers.setdefault("Content-Security-Policy", CSP_IMAGE)
            return response
        # Links carry no address onward: moderator links have a token in their query string.
        headers.setdefault("Referrer-Policy", "no-referrer")
        if response.status_code in REDIRECTS and response.location:
            # A redirect is never shown: the browser follows it at once. Its body (Werkzeug's
            # "Redirecting..." page) and a document's policies would only cost a phone bytes.
            if not response.is_streamed:
                response.set_data(b"")
            return response
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
