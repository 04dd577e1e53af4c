"""Helpers for Socket.IO test clients."""

import time

from facilitator.live import NAMESPACE


def events(client, name):
    """Return the payloads of every `name` event received so far."""
    return [e["args"][0] for e in client.get_received(NAMESPACE) if e["name"] == name]


def emit(client, event, payload=None):
    """Emit an event and return its ack."""
    return client.emit(event, payload if payload is not None else {}, namespace=NAMESPACE, callback=True)


def wait_for(client, name, predicate=lambda payload: True, timeout=3.0):
    """Collect events until one named `name` satisfies `predicate`; return it and all seen."""
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        for e in client.get_received(NAMESPACE):
            seen.append(e)
            if e["name"] == name and predicate(e["args"][0]):
                return e["args"][0], seen
        time.sleep(0.02)
    raise AssertionError(f"no {name} event matching within {timeout}s; saw {[e['name'] for e in seen]}")
