"""SQLite's immediate "database is locked" (a read transaction that wants to write after
another connection wrote) is retried from the start, not answered with an error."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from facilitator.participation.events import LOCKED_RETRIES, _retrying_when_locked


def locked() -> OperationalError:
    return OperationalError("INSERT ...", {}, Exception("database is locked"))


def test_a_locked_write_is_run_again(app):
    calls = []

    def handler(identity, payload):
        calls.append(payload)
        if len(calls) < 3:
            raise locked()
        return {"ok": True}

    with app.app_context():
        assert _retrying_when_locked(handler, None, {"n": 1}) == {"ok": True}
    assert len(calls) == 3


def test_it_gives_up_after_a_few_and_other_errors_go_through(app):
    calls = []

    def always_locked(identity, payload):
        calls.append(1)
        raise locked()

    def broken(identity, payload):
        raise OperationalError("SELECT", {}, Exception("no such table: x"))

    with app.app_context():
        with pytest.raises(OperationalError):
            _retrying_when_locked(always_locked, None, {})
        with pytest.raises(OperationalError):
            _retrying_when_locked(broken, None, {})
    assert len(calls) == LOCKED_RETRIES + 1
