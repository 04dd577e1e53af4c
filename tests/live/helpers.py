"""Helpers for Socket.IO test clients."""

import time

from facilitator.live import NAMESPACE


def _drain(client):
    backlog = client.__dict__.setdefault("_backlog", [])
    backlog.extend(client.get_received(NAMESPACE))
    return backlog


def events(client, name):
    """Return the payloads of every `name` event received and not yet consumed."""
    return [e["args"][0] for e in _drain(client) if e["name"] == name]


def emit(client, event, payload=None):
    """Emit an event and return its ack."""
    return client.emit(event, payload if payload is not None else {}, namespace=NAMESPACE, callback=True)


def wait_for(client, name, predicate=lambda payload: True, timeout=3.0):
    """Wait for a `name` event satisfying `predicate`.

    Returns it and the events up to it, which are consumed; later ones stay
    for the next call.
    """
    deadline = time.monotonic() + timeout
    while True:
        backlog = _drain(client)
        for i, e in enumerate(backlog):
            if e["name"] == name and predicate(e["args"][0]):
                seen = backlog[: i + 1]
                del backlog[: i + 1]
                return e["args"][0], seen
        if time.monotonic() >= deadline:
            raise AssertionError(f"no {name} event matching within {timeout}s; "
                                 f"saw {[e['name'] for e in backlog]}")
        time.sleep(0.02)
