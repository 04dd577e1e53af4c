"""Coalesce hot-path broadcasts: many changes, a few messages a second.

Callers mark keys dirty (`mark("results", prompt_id)`). A background task
wakes every `interval` seconds, takes the dirty keys, asks the handler
registered for each kind for the messages to send (computed from the
database at that moment, so they are always the latest figures) and emits
them. It knows how to send, not what is sent.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask

from . import NAMESPACE

#: A handler takes a set of dirty keys and returns (event, payload, room) triples.
Handler = Callable[[set], Iterable[tuple[str, dict, object]]]

#: The loop stops after this many idle ticks and restarts on the next mark.
IDLE_TICKS = 100
#: The delivery budgets (`max_keys`) are scaled by a load factor between these bounds: halved
#: when a tick wakes more than half an interval late (the process is saturated, and
#: acknowledgements wait behind the frames), raised again by a quarter after each tick on time.
LOAD_FACTOR_MIN, LOAD_FACTOR_MAX = 0.25, 2.0


class Coalescer:
    def __init__(self, app: Flask, socketio, interval: float):
        self.app = app
        self.socketio = socketio
        self.interval = interval
        self._handlers: dict[str, Handler] = {}
        self._on_mark: dict[str, Callable[[], None]] = {}
        self._max_keys: dict[str, Callable[[], int]] = {}
        self._dirty: dict[str, set] = {}
        self._lock = threading.Lock()
        self._running = False
        self._stopped = False
        self._idle = threading.Event()
        self._idle.set()
        self.sent = 0  #: messages emitted so far (for benchmarks and tests)
        #: How much of their delivery budget the budgeted kinds may use this tick (see LOAD_FACTOR_MIN).
        self.load_factor = 1.0

    def register(self, kind: str, handler: Handler, on_mark: Callable[[], None] | None = None,
                 max_keys: Callable[[], int] | None = None) -> None:
        """Send `handler(keys)` for dirty keys of `kind` each tick.

        `on_mark()` runs at every mark. `max_keys()` caps how many keys are
        sent per tick (a delivery budget); the others stay dirty for the next
        tick, so the last figures still arrive, only later.
        """
        self._handlers[kind] = handler
        if on_mark is not None:
            self._on_mark[kind] = on_mark
        if max_keys is not None:
            self._max_keys[kind] = max_keys

    def mark(self, kind: str, key) -> None:
        if kind in self._on_mark:
            self._on_mark[kind]()
        with self._lock:
            if self._stopped:
                return
            self._dirty.setdefault(kind, set()).add(key)
            start = not self._running
            self._running = True
            if start:
                self._idle.clear()
        if start:
            self.socketio.start_background_task(self._loop)

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is pending, stop the loop and wait for it (app shutdown, tests)."""
        with self._lock:
            self._stopped = True
        self._idle.wait(timeout)
        self.flush()

    def flush(self) -> int:
        """Send the messages for everything dirty now; return how many were sent."""
        with self._lock:
            dirty, self._dirty = self._dirty, {}
            for kind, limit in self._max_keys.items():
                keys = dirty.get(kind)
                if keys and len(keys) > (cap := max(1, int(limit() * self.load_factor))):
                    chosen = set(sorted(keys)[:cap])
                    self._dirty[kind] = keys - chosen
                    dirty[kind] = chosen
        count = 0
        if not dirty:
            return 0
        with self.app.app_context():
            for kind, keys in dirty.items():
                for event, payload, room in self._handlers[kind](keys):
                    self.socketio.emit(event, payload, to=room, namespace=NAMESPACE)
                    count += 1
        self.sent += count
        return count

    def pace(self, late: float) -> None:
        """Adjust the load factor to how late this tick woke: a tick late by more than half an
        interval means the event loop is saturated (a reaction storm), so fewer optional
        messages go out and the writes' acknowledgements come first; the last figures still
        arrive, only later."""
        if late > self.interval / 2:
            self.load_factor = max(LOAD_FACTOR_MIN, self.load_factor / 2)
        elif late < self.interval / 10:
            self.load_factor = min(LOAD_FACTOR_MAX, self.load_factor * 1.25)

    def _loop(self) -> None:
        try:
            self._run()
        finally:
            self._idle.set()

    def _run(self) -> None:
        idle = 0
        while not self._stopped:
            started = time.monotonic()
            self.socketio.sleep(self.interval)
            self.pace(time.monotonic() - started - self.interval)
            try:
                sent = self.flush()
            except Exception:
                self.app.logger.exception("coalesced broadcast failed")
                sent = 0
            idle = 0 if sent else idle + 1
            if idle >= IDLE_TICKS:
                with self._lock:
                    if not self._dirty:
                        self._running = False
                        return
        with self._lock:
            self._running = False
