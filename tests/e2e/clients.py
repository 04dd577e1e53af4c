"""A python-socketio client that records what it receives."""

from __future__ import annotations

import threading
import time

import socketio

EVENTS = ("state", "workshop_changed", "participation", "prompt_changed", "results",
          "position_added", "position_changed", "opinion")


class LiveClient:
    def __init__(self, url: str, auth: dict, transports=("websocket",)):
        self.sio = socketio.Client(reconnection=False)
        self.received: list[tuple[str, dict]] = []
        self.refused = None
        self._cond = threading.Condition()
        for name in EVENTS:
            self.sio.on(name, self._recorder(name), namespace="/live")
        self.sio.on("connect_error", self._on_refused, namespace="/live")
        self.url, self.auth, self.transports = url, auth, list(transports)

    def _recorder(self, name):
        def record(payload):
            with self._cond:
                self.received.append((name, payload))
                self._cond.notify_all()
        return record

    def _on_refused(self, data):
        self.refused = data

    def connect(self) -> LiveClient:
        self.sio.connect(self.url, namespaces=["/live"], auth=self.auth,
                         transports=self.transports, wait_timeout=10)
        return self

    def emit(self, event, payload=None):
        return self.sio.call(event, payload if payload is not None else {}, namespace="/live", timeout=10)

    def wait_for(self, name, predicate=lambda p: True, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for event, payload in self.received:
                    if event == name and predicate(payload):
                        return payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {name} matching in {timeout}s; got {[e for e, _ in self.received]}")
                self._cond.wait(remaining)

    def last(self, name):
        matching = [p for e, p in self.received if e == name]
        return matching[-1] if matching else None

    def disconnect(self):
        if self.sio.connected:
            self.sio.disconnect()
