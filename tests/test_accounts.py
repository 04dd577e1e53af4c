"""Organizer log in and log out, with CSRF protection on as in production."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from facilitator.accounts.services import create_organizer
from facilitator.extensions import db

EMAIL = "chair@example.org"
PASSWORD = "a long enough secret"

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    tag = CSRF_INPUT.search(html)
    assert tag, "the page has no CSRF token"
    return re.search(r'value="([^"]+)"', tag.group(0)).group(1)


@pytest.fixture
def site(csrf_app):
    """A test client of an app with CSRF on, and one organizer account."""
    with csrf_app.app_context():
        create_organizer(EMAIL, PASSWORD)
        db.session.commit()
    return csrf_app.test_client()


def log_in(client, email=EMAIL, password=PASSWORD, next_url=None):
    page = client.get("/login")
    assert page.status_code == 200
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password,
                                  "csrf_token": csrf_token(page.text)})


def test_login_page_is_a_form_with_a_csrf_token(site):
    page = site.get("/login")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    assert 'name="email"' in page.text and 'name="password"' in page.text
    assert csrf_token(page.text)


def test_log_in_and_out(site):
    response = log_in(site)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/workshops/")

    workshops = site.get("/workshops/")
    assert workshops.status_code == 200
    assert "Log out" in workshops.text

    # Logging out is a CSRF-protected POST; the token comes from the page.
    response = site.post("/logout", data={"csrf_token": csrf_token(workshops.text)})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert site.get("/workshops/").status_code == 302


def test_email_is_case_insensitive(site):
    assert log_in(site, email="  CHAIR@Example.ORG ").status_code == 302


@pytest.mark.parametrize("email,password", [
    (EMAIL, "wrong password here"),
    ("someone.else@example.org", PASSWORD),
    (EMAIL, PASSWORD.upper()),
])
def test_wrong_credentials_show_an_error(site, email, password):
    response = log_in(site, email=email, password=password)
    assert response.status_code == 400
    assert "Wrong e-mail or password." in response.text
    assert site.get("/workshops/").status_code == 302


def test_empty_form_shows_field_errors(site):
    page = site.get("/login")
    response = site.post("/login", data={"email": "", "password": "",
                                         "csrf_token": csrf_token(page.text)})
    assert response.status_code == 400
    assert 'class="error"' in response.text
    assert site.get("/workshops/").status_code == 302


def test_login_without_csrf_token_is_refused(site):
    site.get("/login")
    response = site.post("/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 400
    assert site.get("/workshops/").status_code == 302


def test_login_with_a_forged_csrf_token_is_refused(site):
    site.get("/login")
    response = site.post("/login", data={"email": EMAIL, "password": PASSWORD,
                                         "csrf_token": "forged"})
    assert response.status_code == 400
    assert site.get("/workshops/").status_code == 302


def test_logout_without_csrf_token_keeps_the_session(site):
    log_in(site)
    response = site.post("/logout", data={})
    assert response.status_code == 400  # CSRFProtect refuses it before the view runs
    assert "could not be understood" in response.text
    assert site.get("/workshops/").status_code == 200


def test_logout_is_not_a_get(site):
    log_in(site)
    assert site.get("/logout").status_code == 405
    assert site.get("/workshops/").status_code == 200


def test_login_follows_a_local_next(site):
    response = log_in(site, next_url="/workshops/new")
    assert response.headers["Location"].endswith("/workshops/new")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_login_refuses_an_outside_next(site, target):
    response = log_in(site, next_url=target)
    assert response.status_code == 302
    location = response.headers["Location"]
    # Same site: a path that no browser reads as another host.
    assert location.startswith("/") and not location.startswith("//")
    assert "\\" not in location and not urlsplit(location).netloc


def test_protected_page_redirects_to_login_with_next(site):
    response = site.get("/workshops/new")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login")
    assert "next=" in location


def test_logged_in_organizer_skips_the_login_page(site):
    log_in(site)
    response = site.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/workshops/")


def test_session_cookie_is_httponly_and_samesite(site):
    response = log_in(site)
    cookie = next(v for k, v in response.headers.items()
                  if k == "Set-Cookie" and v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
