"""Smoke test of `facilitator bench`: a short run over real websockets prints a sane table."""

from __future__ import annotations

import re
import subprocess

import pytest

from facilitator.bench.servers import facilitator_command

pytestmark = pytest.mark.e2e


def test_bench_quick_run_loses_no_writes():
    out = subprocess.run(facilitator_command() + ["bench", "--participants", "100", "--quick"],
                         capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    table = out.stdout
    assert re.search(r"^participants ready\s+100/100\s+100/100", table, re.M), table
    assert re.search(r"^vote acks ok\s+100\s+100", table, re.M), table
    assert re.search(r"^vote ack errors\s+0\s+0", table, re.M), table
    assert re.search(r"^writes lost\s+0 \(votes 0, positions 0, reactions 0\)", table, re.M), table
    assert re.search(r"^clients with the final tally\s+101\s+101", table, re.M), table
    assert re.search(r"^'database is locked' in server log\s+0", table, re.M), table
    assert re.search(r"^vote ack p95\s+\d+ ms\s+\d+ ms\s+[\d.]+×", table, re.M), table
