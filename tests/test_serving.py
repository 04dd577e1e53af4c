"""What the server sends besides pages' content: static files, compression, errors, settings."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest

from conftest import make_app

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_static_urls_are_versioned_and_cached_for_long(app, client):
    page = client.get("/").text
    url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # Without (or with an old) version: revalidate, cheaply.
    plain = client.get("/static/css/app.css")
    assert plain.headers["Cache-Control"] == "no-cache"
    again = client.get("/static/css/app.css", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_static_files_are_sent_compressed(client):
    raw = client.get("/static/js/live.js").data
    br = client.get("/static/js/live.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    assert brotli.decompress(br.data) == raw and len(br.data) < len(raw) / 2
    gz = client.get("/static/js/live.js", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.data) == raw
    assert "Content-Encoding" not in client.get("/static/js/live.js", headers={"Accept-Encoding": ""}).headers


def test_static_scripts_are_minified_and_carry_only_what_they_need(client):
    """A phone downloads no comments, and no document headers on a script; the source stays readable."""
    source = (Path(__file__).parents[1] / "static/js/live.js").read_text()
    response = client.get("/static/js/live.js")
    sent = response.text
    assert "/*" in source and "/*" not in sent and len(sent) < 0.8 * len(source)
    assert "window.Live" in sent
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in response.headers and "X-Frame-Options" not in response.headers
    # Static files never depend on the cookie: shared caches and the browser's cache keep them.
    client.get("/")  # a session cookie exists now
    assert "Cookie" not in client.get("/static/js/live.js").headers.get("Vary", "")
    # Pages keep every header.
    page = client.get("/")
    assert "Content-Security-Policy" in page.headers and page.headers["X-Frame-Options"] == "DENY"


def test_pages_are_sent_compressed(client, workshop):
    response = client.get(f"/j/{workshop['code']}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert b"Join the workshop" in gzip.decompress(response.data)


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=604800" in response.headers["Cache-Control"]
    assert 'rel="icon"' in client.get("/").text


def test_unknown_code_gets_a_page_to_try_again(client):
    response = client.get("/j/zzzzzz")
    assert response.status_code == 404
    assert "No workshop has the code <strong" in response.text and ">ZZZZZZ</strong>" in response.text
    assert 'name="code"' in response.text and 'value="ZZZZZZ"' in response.text
    assert client.get("/nowhere").status_code == 404
    assert "Page not found" in client.get("/nowhere").text


def test_a_server_error_is_a_page_not_a_traceback(tmp_path):
    app = make_app(tmp_path, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.text and "RuntimeError" not in response.text


def test_every_setting_from_the_environment(tmp_path, monkeypatch):
    from facilitator import create_app

    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FACILITATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("FACILITATOR_ASYNC_MODE", "threading")
    monkeypatch.setenv("FACILITATOR_RATE_LIMIT_JOIN", "500/minute")
    monkeypatch.setenv("FACILITATOR_RESULTS_INTERVAL", "0.5")
    monkeypatch.setenv("FACILITATOR_PUBLIC_GROUP_MIN", "3")
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "123456")  # digits stay a string
    monkeypatch.setenv("FACILITATOR_PUBLIC_URL", "https://example.org/")
    app = create_app()
    assert app.instance_path == str(tmp_path / "instance")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'env.sqlite3'}"
    assert app.config["RATE_LIMIT_JOIN"] == "500/minute"
    assert app.config["RESULTS_INTERVAL"] == 0.5 and app.config["PUBLIC_GROUP_MIN"] == 3
    assert app.config["SECRET_KEY"] == "123456"
    assert app.config["PUBLIC_URL"] == "https://example.org"
    app.extensions["facilitator.coalescer"].stop()


def test_a_setting_of_the_wrong_type_is_refused(tmp_path, monkeypatch):
    from facilitator import create_app

    monkeypatch.setenv("FACILITATOR_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("FACILITATOR_PROXY_COUNT", "two")
    with pytest.raises(ValueError, match="PROXY_COUNT must be int"):
        create_app()


def test_configuration_docs_list_every_setting():
    """docs/configuration.md carries the table of facilitator.config.settings_table(), as it is now."""
    from facilitator.config import settings_table

    assert settings_table() in (DOCS / "configuration.md").read_text(encoding="utf-8")


def test_socket_json_answers_what_the_standard_module_reads():
    """orjson where it can; the standard module for lone surrogates and huge integers (CONTRACT §12)."""
    import json

    from facilitator.live import fastjson

    for text in ['{"text": "\\ud800"}', '[100000000000000000000, -100000000000000000000]', '[NaN]',
                 '{"a": [1, 2.5, "é", null, true]}', '"12345678901234567890123"']:
        assert repr(fastjson.loads(text)) == repr(json.loads(text)), text
    assert json.loads(fastjson.dumps({1: "x", "y": 2**70, "z": "\ud800"})) == {"1": "x", "y": 2**70, "z": "\ud800"}
