"""Headers, the session cookie, logging out, and log-in floods."""

from __future__ import annotations

import base64
import time

import pytest

from conftest import ORGANIZER_PASSWORD, login, make_app


def test_pages_carry_security_headers(client, workshop):
    for path in ("/", f"/j/{workshop['code']}", f"/s/{workshop['code']}", "/login", "/nowhere"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert "Strict-Transport-Security" not in headers  # the public address is plain http here


def test_https_public_address_means_hsts_and_secure_cookies(tmp_path):
    from facilitator.extensions import db
    from facilitator.workshops.services import create_workshop

    app = make_app(tmp_path, PUBLIC_URL="https://workshops.example.org")
    with app.app_context():
        workshop, _ = create_workshop("Secure", template="igf-ai-copyright")
        db.session.commit()
        code = workshop.code
    response = app.test_client().post(f"/j/{code}", data={"attendance": "online"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_cannot_be_read_or_forged(app, client, workshop):
    client.post(f"/j/{workshop['code']}", data={"attendance": "onsite"})
    cookie = client.get_cookie("session").value
    with app.app_context():
        serializer = app.session_interface.get_signing_serializer(app)
        token = serializer.loads(cookie)["participants"][workshop["code"]]
    assert token not in cookie
    padded = cookie + "=" * (-len(cookie) % 4)
    assert token.encode() not in base64.urlsafe_b64decode(padded)  # not merely encoded: encrypted
    assert b"participants" not in base64.urlsafe_b64decode(padded)
    # A changed cookie is no session at all: the browser is not a participant any more.
    forged = cookie[:-6] + ("AAAAAA" if not cookie.endswith("AAAAAA") else "BBBBBB")
    client.set_cookie("session", forged)
    assert "Join the workshop" in client.get(f"/j/{workshop['code']}").text


def test_logging_out_ends_a_copied_session_too(app, organizer):
    laptop = app.test_client()
    login(laptop)
    copy = app.test_client()
    copy.set_cookie("session", laptop.get_cookie("session").value)
    assert copy.get("/workshops/").status_code == 200
    laptop.post("/logout")
    assert laptop.get("/workshops/").status_code == 302
    assert copy.get("/workshops/").status_code == 302  # the copied cookie no longer works
    login(laptop)  # logging in again works
    assert laptop.get("/workshops/").status_code == 200


@pytest.fixture
def strict_app(tmp_path):
    return make_app(tmp_path / "strict", RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_LOGIN_ACCOUNT="2/minute")


def client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def organizer_on(app, email="chair@example.org"):
    from facilitator.accounts.services import create_organizer
    from facilitator.extensions import db

    with app.app_context():
        create_organizer(email, ORGANIZER_PASSWORD)
        db.session.commit()


def test_login_attempts_are_limited_per_address(strict_app):
    organizer_on(strict_app)
    client = strict_app.test_client()
    statuses = [client.post("/login", data={"email": f"nobody{i}@example.org", "password": "wrong one!"}).status_code
                for i in range(3)]
    assert statuses == [400, 400, 400]
    refused = client.post("/login", data={"email": "chair@example.org", "password": ORGANIZER_PASSWORD})
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Too many log-in attempts. Try again in 1 minute." in refused.text  # ngettext: 1 minute, 2 minutes
    assert 'name="password"' in refused.text  # the login page, with the sentence
    other = client_from(strict_app, "192.0.2.7")
    assert other.post("/login", data={"email": "chair@example.org",
                                      "password": ORGANIZER_PASSWORD}).status_code == 302


def test_failed_logins_are_limited_per_account_from_any_address(strict_app):
    organizer_on(strict_app)
    for i in range(2):
        client = client_from(strict_app, f"192.0.2.{i + 1}")
        assert client.post("/login", data={"email": "chair@example.org", "password": "wrong one!"}).status_code == 400
    elsewhere = client_from(strict_app, "198.51.100.9")
    response = elsewhere.post("/login", data={"email": "chair@example.org", "password": ORGANIZER_PASSWORD})
    assert response.status_code == 429
    assert elsewhere.get("/workshops/").status_code == 302  # not logged in


def test_an_unknown_email_takes_as_long_as_a_wrong_password(app, organizer):
    client = app.test_client()

    def timed(email):
        started = time.perf_counter()
        for _ in range(3):
            client.post("/login", data={"email": email, "password": "not the password"})
        return time.perf_counter() - started

    timed("nobody@example.org")  # warm up (the stand-in hash is made once)
    known, unknown = timed("moderator@example.org"), timed("nobody@example.org")
    assert unknown > 0.5 * known, (known, unknown)  # before: 3 ms against 108 ms
