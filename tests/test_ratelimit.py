"""Rate limits: the in-process sliding window and guessing join codes."""

import time

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
