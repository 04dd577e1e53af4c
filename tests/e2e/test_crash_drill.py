"""The crash drill in CI, at a small size: SIGKILL mid-burst loses no acknowledged write and a
retried write never makes a duplicate (facilitator bench --crash runs it at any size)."""

from __future__ import annotations

import pytest

from facilitator.bench.crash import DrillSettings, lines, run_drill
from figures import report

pytestmark = pytest.mark.e2e


def test_sigkill_mid_burst_loses_and_duplicates_nothing():
    result = run_drill(DrillSettings(participants=60, positions=80, burst_seconds=3, kill_after=1.5,
                                     say=lambda message: None))
    report("crash drill (SIGKILL mid-burst, small size)", lines(result))
    assert result["acked"] > 100  # the burst really ran before the kill
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["resumed"] == 60 and result["resume_failures"] == 0
