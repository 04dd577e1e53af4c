"""SQLite under gevent: wait for another connection's write lock without stopping the server.

SQLite waits for a lock in C (`busy_timeout`): under gevent that wait blocks the one thread,
so no other greenlet runs for up to the whole timeout, the one holding the lock among them,
which therefore cannot release it. In a join storm of 5,000 this froze the server for 18 s at a
time (docs/performance.md). Here, when gevent has patched `time`, SQLite gives up at once
(`busy_timeout=0`) and a statement or commit refused with SQLITE_BUSY is tried again after a
cooperative sleep (2 ms, doubling to 100 ms, for up to `WAIT` seconds in all), while the other
greenlets run. SQLITE_BUSY_SNAPSHOT (a transaction that read, then wants to write after another
connection wrote) is raised at once: only starting the transaction again helps, which the
socket handlers do (participation/events.py). Without gevent nothing changes: SQLite waits.
"""

from __future__ import annotations

import sqlite3
import sys
import time

#: How long a statement waits for a lock in all, as `busy_timeout` did.
WAIT = 10.0
SQLITE_BUSY = 5


def cooperative() -> bool:
    """Whether gevent has patched the standard library (what `facilitator serve` runs)."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("time"))


def is_locked(exc: BaseException) -> bool:
    """Whether a statement or commit failed because SQLite's write lock could not be had
    (SQLAlchemy's OperationalError wrapping SQLITE_BUSY or SQLITE_BUSY_SNAPSHOT)."""
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def _busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) == SQLITE_BUSY


def _retry(call, *args):
    if not cooperative():
        return call(*args)
    delay, deadline = 0.002, time.monotonic() + WAIT
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(delay)  # patched by gevent: the other greenlets run, the lock's holder among them
        delay = min(delay * 2, 0.1)


class Cursor(sqlite3.Cursor):
    def execute(self, *args):
        return _retry(super().execute, *args)

    def executemany(self, *args):
        return _retry(super().executemany, *args)


class Connection(sqlite3.Connection):
    """sqlite3.connect(..., factory=Connection): statements and commits wait cooperatively."""

    def cursor(self, factory=Cursor):
        return super().cursor(factory)

    def execute(self, *args):
        return self.cursor().execute(*args)

    def commit(self):
        return _retry(super().commit)


def busy_timeout_ms() -> int:
    """SQLite's own wait: none under gevent (waiting is done here), else 10 s."""
    return 0 if cooperative() else int(WAIT * 1000)
