"""Rate limits: the in-process sliding window and guessing join codes."""

import time

import pytest
from limits import parse

from facilitator.live import NAMESPACE
from facilitator.ratelimit import LocalWindows


def test_local_window_allows_the_limit_then_refuses():
    windows = LocalWindows()
    item = parse("5/second")
    assert [windows.hit(item, ("write", 1)) for _ in range(7)] == [True] * 5 + [False] * 2
    assert windows.hit(item, ("write", 2))  # another participant is unaffected


def test_local_window_recovers_after_the_window():
    windows = LocalWindows()
    item = parse("3/second")
    for _ in range(3):
        assert windows.hit(item, ("k",))
    assert not windows.hit(item, ("k",))
    time.sleep(2.05)  # two windows later the previous one weighs nothing
    assert windows.hit(item, ("k",))


def test_guessing_codes_is_rate_limited(tmp_path):
    from conftest import make_app
    from facilitator.extensions import socketio

    app = make_app(tmp_path, RATE_LIMIT_LOOKUP="3/minute")
    client = app.test_client()
    assert [client.get(f"/j/ZZZZZ{c}").status_code for c in "2345"] == [404, 404, 404, 429]
    refused = socketio.test_client(app, namespace=NAMESPACE, auth={"workshop": "ZZZZZZ"},
                                   flask_test_client=client)
    assert not refused.is_connected(NAMESPACE)


def test_proxy_count_trusts_forwarded_for(tmp_path):
    from conftest import make_app

    app = make_app(tmp_path, PROXY_COUNT=1, RATE_LIMIT_LOOKUP="2/minute")
    client = app.test_client()
    codes = [client.get("/j/ZZZZZZ", headers={"X-Forwarded-For": f"10.0.0.{i % 3}"}).status_code
             for i in range(6)]
    assert codes == [404] * 6  # three different clients behind the proxy, two lookups each
    assert client.get("/j/ZZZZZZ", headers={"X-Forwarded-For": "10.0.0.0"}).status_code == 429


@pytest.mark.parametrize("path", ["/s/{code}", "/m/{code}", "/w/{code}/summary", "/j/{code}"])
def test_guessing_codes_is_limited_on_every_page(tmp_path, path):
    from conftest import make_app

    app = make_app(tmp_path, RATE_LIMIT_LOOKUP="3/minute")
    client = app.test_client()
    statuses = [client.get(path.format(code=f"ZZZZZ{n}")).status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert "Please wait a moment" in client.get(path.format(code="ZZZZZ9")).text


def test_wrong_tokens_are_limited(tmp_path):
    """Guessing participant or moderator tokens is as pointless as guessing codes."""
    from conftest import make_app
    from facilitator.errors import NotFound, RateLimited
    from facilitator.extensions import db
    from facilitator.participation.connection import identify
    from facilitator.workshops.services import create_workshop

    app = make_app(tmp_path, RATE_LIMIT_LOOKUP="3/minute")
    with app.app_context():
        workshop, _ = create_workshop("Tokens", template="igf-ai-copyright")
        db.session.commit()
        code = workshop.code
    outcomes = []
    with app.test_request_context("/socket.io/"):
        for n in range(3):
            key = "participant_token" if n % 2 else "moderator_token"
            with pytest.raises(NotFound):
                identify({"workshop": code, key: f"guess-{n}"})
            outcomes.append("not_found")
        with pytest.raises(RateLimited):
            identify({"workshop": code, "participant_token": "guess-3"})
        assert identify({"workshop": code})[1].role == "visitor"  # honest visitors still get in
