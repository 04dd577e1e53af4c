"""psycopg 3 cooperates with gevent once `facilitator serve` has monkey-patched."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import PG_URL

pytestmark = [pytest.mark.scaleout,
              pytest.mark.skipif(not PG_URL, reason="needs FACILITATOR_TEST_PG_URL (.ci/test sets it)")]

SCRIPT = r"""
import sys, time
from gevent import monkey
monkey.patch_all()
import gevent
import psycopg
from psycopg import waiting

def slow():
    with psycopg.connect(sys.argv[1]) as conn:
        conn.execute("SELECT pg_sleep(0.6)")

started = time.monotonic()
gevent.joinall([gevent.spawn(slow), gevent.spawn(slow)], raise_error=True)
print(waiting.wait.__name__, round(time.monotonic() - started, 3))
"""


def test_two_slow_queries_in_two_greenlets_overlap():
    url = PG_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    out = subprocess.run([sys.executable, "-c", SCRIPT, url], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    wait_name, elapsed = out.stdout.split()
    assert wait_name != "wait_c"  # the C wait would block the whole loop
    assert float(elapsed) < 1.1, f"the queries ran one after the other ({elapsed} s)"
