"""A crowd's opinion map is read, analysed and stored in a child process, never in the server's.

Under gevent everything the server's process does shares one event loop and one
GIL with the votes: a database read holds the loop while it runs (SQLite's, and
any driver's row processing), a wait for SQLite's write lock holds it up to the
busy timeout, and numpy and scikit-learn hold the GIL for much of their work,
which the server's thread then waits for at every database call and socket
write. So for a big matrix (`PROCESS_MIN_CELLS` participant × position cells
and more) the live update (opinion/publish.py: read, `analyse`, store over the
version read) runs in a child with its own interpreter and database connection;
the server sends it the prompt and the last map, waits on the pipe in gevent's
thread pool (without the GIL) and gets the new map back to send.

One child per server process (`python -m facilitator.opinion.process`, a fresh
interpreter: never a fork of a gevent process), started at the first update big
enough to need it, restarted if it died, and ended with the server (it exits
when its pipe closes). Small matrices are read between votes and analysed in
the thread pool: a few milliseconds, less than the trip. Figures in
docs/opinion.md.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from ..blocking import off_loop
from .math import analyse

#: Matrices with fewer participant × position cells are analysed in the thread pool.
PROCESS_MIN_CELLS = 50_000


_ENGINES: dict = {}
#: prompt id -> (version, map to continue, payload) of the maps this child stored last.
_KEPT: dict = {}


def publish_here(url: str, prompt_id: int, workshop_id: int, seen: int):
    """In the child: one live update of a prompt (opinion/publish.py) with an engine of its own,
    continuing the map it stored last if that is still version `seen`, else the stored one.

    Answers the Outcome without the maps: only the message to send crosses the pipe (unpickling a
    crowd's map in the server would make tens of thousands of objects, and wake its garbage collector).
    """
    from sqlalchemy import create_engine

    from .. import app as _app  # noqa: F401  (SQLite's pragmas, WAL and the busy timeout, here too)
    from .publish import load_previous, publish

    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = create_engine(url)
    kept = _KEPT.get(prompt_id)
    if kept is not None and kept[0] == seen:
        _, previous, last_payload = kept
    else:
        _, previous, last_payload = load_previous(engine, prompt_id)
    outcome = publish(engine, prompt_id, workshop_id, seen, previous, last_payload, analyse)
    if outcome.status == "stored":
        _KEPT[prompt_id] = (seen + 1, outcome.kept, outcome.payload)
    elif outcome.status == "conflict":
        _KEPT.pop(prompt_id, None)
    outcome.result = outcome.kept = None
    return outcome


def _serve(requests: Connection, answers: Connection) -> None:
    """The child: answer (kind, args, kwargs) with (True, value) or (False, exception) until the pipe closes."""
    calls = {"analyse": lambda *a, **k: analyse(*a, **k), "publish": publish_here}
    while True:
        try:
            kind, args, kwargs = requests.recv()
        except (EOFError, OSError):
            return
        try:
            answers.send((True, calls[kind](*args, **kwargs)))
        except Exception as exc:  # noqa: BLE001 - sent back and raised in the server
            answers.send((False, exc))


class AnalysisProcess:
    """Run `analyse` in a child process (one call at a time)."""

    def __init__(self, min_cells: int = PROCESS_MIN_CELLS):
        self.min_cells = min_cells
        self._lock = threading.Lock()  # taken in the caller's greenlet or thread, never in the pool
        self._process = None
        self._requests = None  # the parent's ends: it writes requests and reads answers
        self._answers = None
        self.calls = 0  #: analyses sent to the child (tests, benchmarks)

    def analyse(self, votes, participant_ids, statement_ids, previous=None, **kwargs):
        """`analyse(...)` off the event loop: in the child for big matrices, else in the thread pool."""
        args = (votes, participant_ids, statement_ids, previous)
        if len(participant_ids) * len(statement_ids) >= self.min_cells:
            answered = self._call("analyse", args, kwargs)
            if answered is not None:
                return answered
        return off_loop(_call_with, analyse, args, kwargs)

    def publish(self, url: str, prompt_id: int, workshop_id: int, seen: int):
        """One live update of a prompt in the child (`publish_here`): an Outcome, or None without a child."""
        return self._call("publish", (url, prompt_id, workshop_id, seen), {})

    def _call(self, kind: str, args: tuple, kwargs: dict):
        with self._lock:
            try:
                self._ensure_started()
                ok, value = off_loop(self._exchange, kind, args, kwargs)
            except (EOFError, OSError):  # the child died (or could not start): another next time
                self._discard()
                return None
        if not ok:
            raise value
        return value

    def _ensure_started(self) -> None:
        if self._process is not None and self._process.running():
            return
        self._discard()
        # `python -m facilitator.opinion.process R W` with two plain pipes (blocking descriptors, read
        # and written in the thread pool): not multiprocessing's spawn, which would run the server's
        # main script again in the child, nor its duplex Pipe, a socket pair that gevent makes
        # non-blocking.
        request_read, request_write = os.pipe()
        answer_read, answer_write = os.pipe()
        try:
            self._process = _Child([sys.executable, "-m", "facilitator.opinion.process", str(request_read),
                                    str(answer_write)], keep=(request_read, answer_write))
        finally:
            os.close(request_read)
            os.close(answer_write)
        self._requests, self._answers = Connection(request_write, readable=False), Connection(answer_read,
                                                                                             writable=False)

    def _exchange(self, kind: str, args: tuple, kwargs: dict) -> tuple[bool, Any]:
        """In the thread pool: send the request, wait for the answer (the wait holds no GIL)."""
        self.calls += 1
        self._requests.send((kind, args, kwargs))
        return self._answers.recv()

    def _discard(self) -> None:
        for end in (self._requests, self._answers):
            if end is not None:
                end.close()  # the child reads the end of its input and exits
        if self._process is not None:
            self._process.end()
        self._process, self._requests, self._answers = None, None, None

    def close(self) -> None:
        """End the child (app shutdown, tests)."""
        with self._lock:
            self._discard()


class _Child:
    """A child process started with posix_spawn: forked and exec'd in C, with no Python code running
    in the forked copy of the multi-threaded server (gevent's Popen runs some, and that can deadlock)."""

    def __init__(self, argv: list[str], keep: tuple[int, ...]):
        for fd in keep:
            os.set_inheritable(fd, True)  # every other descriptor of the server is closed at exec
        try:
            self.pid = os.posix_spawn(argv[0], argv, dict(os.environ),
                                      file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)])
        finally:
            for fd in keep:
                os.set_inheritable(fd, False)
        self.exited = False

    def running(self) -> bool:
        if not self.exited:
            try:
                self.exited = os.waitpid(self.pid, os.WNOHANG)[0] != 0
            except ChildProcessError:  # reaped elsewhere
                self.exited = True
        return not self.exited

    def end(self, timeout: float = 5.0) -> None:
        """Wait for it to exit (its pipe is closed), else end it."""
        deadline = time.monotonic() + timeout
        while self.running() and time.monotonic() < deadline:
            time.sleep(0.02)  # cooperative under gevent
        if self.running():
            os.kill(self.pid, signal.SIGKILL)
            while self.running():
                time.sleep(0.02)

    def poll(self):
        return None if self.running() else 0


def _call_with(fn: Callable, args: tuple, kwargs: dict):
    return fn(*args, **kwargs)


def main(argv: list[str]) -> None:
    """The child's entry point: `python -m facilitator.opinion.process REQUEST_FD ANSWER_FD`."""
    _serve(Connection(int(argv[0]), writable=False), Connection(int(argv[1]), readable=False))


if __name__ == "__main__":
    main(sys.argv[1:])
