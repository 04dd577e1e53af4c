"""SQLite under gevent waits for another connection's write lock without stopping the server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = textwrap.dedent("""
    from gevent import monkey; monkey.patch_all()
    import json, sqlite3, sys, time
    import gevent
    from facilitator.sqlite_locks import Connection, busy_timeout_ms

    path = sys.argv[1]
    def connect():
        conn = sqlite3.connect(path, factory=Connection)
        conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        return conn
    a, b = connect(), connect()
    a.execute("PRAGMA journal_mode=WAL"); a.execute("CREATE TABLE t (x)"); a.commit()
    out = {"busy_timeout": busy_timeout_ms(), "ticks": 0}
    def holder():  # a write transaction held across a yield
        a.execute("INSERT INTO t VALUES (1)"); gevent.sleep(0.3); a.commit()
    def writer():
        started = time.monotonic(); b.execute("INSERT INTO t VALUES (2)"); b.commit()
        out["waited"] = time.monotonic() - started
    def ticker():  # the rest of the server: it must keep running meanwhile
        for _ in range(5):
            gevent.sleep(0.05); out["ticks"] += 1
    gevent.joinall([gevent.spawn(holder), gevent.spawn(writer), gevent.spawn(ticker)])
    out["rows"] = sorted(x for (x,) in a.execute("SELECT x FROM t"))
    # A snapshot conflict is raised at once: only restarting the transaction helps.
    c = sqlite3.connect(path, factory=Connection, isolation_level=None)
    c.execute("BEGIN"); c.execute("SELECT * FROM t").fetchall()
    a.execute("INSERT INTO t VALUES (3)"); a.commit()
    started = time.monotonic()
    try:
        c.execute("INSERT INTO t VALUES (4)")
    except sqlite3.OperationalError as exc:
        out["snapshot"] = [exc.sqlite_errorname, time.monotonic() - started]
    print(json.dumps(out))
""")


def test_a_writer_waits_for_the_lock_while_every_other_greenlet_runs(tmp_path):
    import json

    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "locks.sqlite3")], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["busy_timeout"] == 0 and out["rows"] == [1, 2]
    assert 0.25 < out["waited"] < 3  # it waited for the holder, and got the lock once released
    assert out["ticks"] == 5  # the event loop was never blocked meanwhile (SQLite's own wait blocked it)
    assert out["snapshot"][0] == "SQLITE_BUSY_SNAPSHOT" and out["snapshot"][1] < 0.5


def test_without_gevent_sqlite_waits_itself(app):
    from facilitator.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            return
        assert db.session.execute(db.text("PRAGMA busy_timeout")).scalar() == 10_000
        assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() in ("wal", "memory")
