"""Group commit: the hot writes that arrive together share one transaction and one commit.

The socket handlers of join, cast_vote, submit_position and react validate their payload,
then hand the write itself to `run(job, *args)` and wait. One writer per process takes every
job queued (after a short window, `GROUP_COMMIT_WINDOW`, that lets the writes of the same
moment gather; at most `GROUP_COMMIT_MAX`), runs them one after the other in one transaction,
commits once, and only then wakes the handlers: each acknowledgement goes out after the commit
that stored its write, so an acknowledged write survives a crash as before (CONTRACT §3).
A job refused by a rule (a DomainError) before it wrote anything, which is how the services
check, is answered with its refusal and its announcements dropped; a job that fails after
writing (a DomainError after a write, or any other error) spoils the transaction, so it is
rolled back and the others run again without it: one write never undoes another. No savepoint
per job, which on PostgreSQL would cost two more round trips each.

On SQLite the writer opens its transaction with BEGIN IMMEDIATE: it takes the write lock
before reading, so a batch is never refused for having read an older snapshot, and the
savepoint a service takes (submit_position's, for a concurrent retry) stays inside it: left to
itself pysqlite would make that savepoint the outermost transaction, whose RELEASE commits.
If the lock cannot be had (another connection holds it too long) the whole batch is rolled
back and run again, up to `LOCKED_RETRIES` times, before its jobs fail; nothing is
acknowledged that was not committed.

The writer is a background task of the Socket.IO server (a greenlet under gevent, a thread
otherwise), started by the first job and ended after `IDLE_EXIT` seconds without one.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from .errors import DomainError
from .extensions import db
from .live import outbox
from .sqlite_locks import is_locked

#: Seconds without a job after which the writer ends (the next job starts it again).
IDLE_EXIT = 5.0
#: Whole-batch retries when the database stays locked.
LOCKED_RETRIES = 3
#: Seconds a handler waits for its write before answering with a server error.
WAIT = 60.0


class Job:
    __slots__ = ("fn", "args", "done", "result", "error")

    def __init__(self, fn: Callable, args: tuple):
        self.fn, self.args = fn, args
        self.done = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None


class GroupCommitter:
    def __init__(self, app: Flask, socketio, window: float, max_batch: int):
        self.app = app
        self.socketio = socketio
        self.window = window
        self.max_batch = max_batch
        self._queue: deque[Job] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._running = False
        #: Batches and jobs committed so far, and the largest batch (for benchmarks and tests).
        self.batches = 0
        self.jobs = 0
        self.largest = 0
        #: Transactions rolled back and run again without a job that failed mid-write.
        self.reruns = 0

    def run(self, fn: Callable, *args):
        """Run `fn(*args)` in the next group transaction; return its result once committed.

        Raises what `fn` raised (nothing of it stored), or the error that prevented the commit
        (nothing of the batch stored).
        """
        job = Job(fn, args)
        with self._lock:
            self._queue.append(job)
            self._wake.set()
            start = not self._running
            self._running = True
        if start:
            self.socketio.start_background_task(self._loop)
        if not job.done.wait(WAIT):
            raise TimeoutError("the group commit did not answer in time")
        if job.error is not None:
            raise job.error
        return job.result

    def _loop(self) -> None:
        try:
            while True:
                if not self._wake.wait(IDLE_EXIT):
                    with self._lock:
                        if not self._queue:
                            self._running = False
                            return
                self._wake.clear()
                self.socketio.sleep(self.window)  # the writes of this moment gather
                with self._lock:
                    batch = [self._queue.popleft() for _ in range(min(self.max_batch, len(self._queue)))]
                    if self._queue:
                        self._wake.set()
                if batch:
                    self._commit(batch)
        except BaseException:
            with self._lock:
                self._running = False
            self.app.logger.exception("group commit writer stopped")
            raise

    def _commit(self, batch: list[Job]) -> None:
        pending = list(batch)  # the jobs whose writes this transaction stores
        try:
            locked = 0
            while pending:
                try:
                    with self.app.app_context():
                        self._transaction(pending)
                    break
                except Spoiled as spoiled:  # all rolled back: again, without the job that failed mid-write
                    spoiled.job.error = spoiled.error
                    pending.remove(spoiled.job)
                    self.reruns += 1
                    if not isinstance(spoiled.error, DomainError):
                        self.app.logger.error("a group-commit job failed", exc_info=spoiled.error)
                except OperationalError as exc:
                    if not is_locked(exc) or locked == LOCKED_RETRIES:
                        raise
                    locked += 1
                    self.socketio.sleep(0.02 * locked)
            self.batches += 1
            self.jobs += len(batch)
            self.largest = max(self.largest, len(batch))
        except BaseException as exc:  # nothing of these jobs was stored
            for job in pending:
                job.result, job.error = None, exc
            if not isinstance(exc, OperationalError):
                self.app.logger.exception("group commit failed")
        finally:
            for job in batch:
                job.done.set()

    @staticmethod
    def _transaction(jobs: list[Job]) -> None:
        """Run the jobs in one transaction and commit it.

        No savepoint per job (on PostgreSQL each would be two more round trips): a job refused
        by a rule before it wrote anything (what services do: every check comes before the
        first write) is simply answered with its refusal. A job that fails after writing
        raises Spoiled, and the caller rolls everything back and runs the others again.
        """
        session = db.session
        try:
            connection = session.connection()
            if connection.dialect.name == "sqlite":
                connection.execute(text("BEGIN IMMEDIATE"))
            writes = [0]
            event.listen(connection, "before_cursor_execute", _counting(writes))
            for job in jobs:
                job.result, job.error = None, None
                before, queued = writes[0], outbox.queued()
                try:
                    job.result = job.fn(*job.args)
                except DomainError as exc:
                    if writes[0] != before or session.new or session.dirty or session.deleted:
                        raise Spoiled(job, exc) from None
                    outbox.forget_since(queued)
                    job.error = exc
                except OperationalError as exc:
                    if is_locked(exc):
                        raise  # the whole batch again, after a pause
                    raise Spoiled(job, exc) from None
                except Exception as exc:
                    raise Spoiled(job, exc) from None
            session.commit()
        except BaseException:
            session.rollback()
            raise


class Spoiled(Exception):
    """A job failed after it wrote: its transaction cannot be committed as it is."""

    def __init__(self, job: Job, error: BaseException):
        super().__init__(str(error))
        self.job, self.error = job, error


def _counting(writes: list[int]):
    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes[0] += 1

    return count


def init_app(app: Flask, socketio) -> GroupCommitter:
    committer = GroupCommitter(app, socketio, app.config["GROUP_COMMIT_WINDOW"],
                               app.config["GROUP_COMMIT_MAX"])
    app.extensions["facilitator.group_commit"] = committer
    return committer


def run(fn: Callable, *args):
    """Run `fn(*args)` in this process's next group transaction (see GroupCommitter.run)."""
    return current_app.extensions["facilitator.group_commit"].run(fn, *args)
