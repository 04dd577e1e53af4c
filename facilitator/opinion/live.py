"""Live opinion maps (CONTRACT §9): recomputed in the background, throttled per workshop, sent as `opinion`.

Writes that change a prompt's reaction matrix (a reaction, a position that
becomes visible, a position approved or hidden) call `touch_after_commit`:
after the commit, the prompt is marked dirty in this process — a set insert,
nothing else on the path of the reaction. One background task per process
(`OpinionWorker`, a greenlet under gevent) wakes when something is dirty and
recomputes each dirty workshop's prompts at most once every `OPINION_INTERVAL`
seconds: it reads the matrix, runs `analyse` in a child process (opinion/process.py: beside the event
loop and its interpreter, which keep answering votes and reactions), and stores the map in `opinion_maps` over the version it
started from (compare-and-set). If the analysis changed, `opinion` goes to
the moderators' room, and to participants and screens while the moderator
shows the map (`show_opinion_map`).

Several processes: each recomputes the prompts that were written through it,
continuing the map stored in the database (so the groups keep their ids and k
is smoothed along one history, whichever process computes); a process that
finds a newer version than the one it read stores nothing, and tries again at
its next turn with that newer map as `previous`. Messages go through the
message queue to every process's clients, like `results`; clients keep the
highest `version`.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from ..extensions import db, socketio
from ..live import NAMESPACE
from ..live.outbox import announce
from ..live.rooms import public_rooms, workshop_room
from ..live.snapshots import caches
from ..participation.models import Participant, Position
from ..workshops.models import Prompt
from .models import OpinionMapRow
from .payloads import public_payload, with_version
from .process import AnalysisProcess
from .publish import load_previous, publish
from .result import OpinionMap

KEY = "facilitator.opinion"
#: The first recompute after a quiet spell waits this long, so a burst's first writes are in it.
SETTLE = 0.05
#: The background task checks for `stop` this often while it waits for the next due workshop.
STOP_SLICE = 0.05


def worker() -> OpinionWorker | None:
    return current_app.extensions.get(KEY)


def touch_after_commit(workshop_id: int, prompt_id: int | None = None, position_id: int | None = None) -> None:
    """Mark a prompt's opinion map dirty once this transaction commits (the whole cost on the write path).

    The reaction path knows the position, not its prompt: it passes `position_id`, and the
    background task finds the prompt.
    """
    live = worker()
    if live is not None:
        announce(lambda: live.touch(workshop_id, prompt_id, position_id))


class OpinionWorker:
    """Recompute dirty prompts' maps in one background task per process, throttled per workshop."""

    def __init__(self, app: Flask, socketio_):
        self.app = app
        self.socketio = socketio_
        self.interval = float(app.config["OPINION_INTERVAL"])
        self.public_points = int(app.config["OPINION_POINTS_PUBLIC"])
        self.analyser = AnalysisProcess()
        #: The child process reads with an engine of its own, from the same database.
        self.database_url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=False)
        self._dirty: dict[int, set[int]] = {}  # workshop id -> prompt ids, and -position ids (prompt unknown)
        self._last_run: dict[int, float] = {}  # workshop id -> monotonic time of its last round
        #: prompt id -> (version, map, payload) this process stored last (small maps; the analysis process
        #: keeps the big ones): its `previous`, while current.
        self._maps: dict[int, tuple[int, OpinionMap | None, dict]] = {}
        self._lock = threading.Lock()
        self._running = False
        self._stopped = False
        self._idle = threading.Event()
        self._idle.set()
        self.computed = 0  #: analyses run so far (tests, benchmarks)
        self.published = 0  #: maps that changed and were sent
        self.last_seconds: dict[str, float] = {}  #: the last analysis: read, analyse, store (seconds)

    # -- on the write path -------------------------------------------------------------------

    def touch(self, workshop_id: int, prompt_id: int | None = None, position_id: int | None = None) -> None:
        with self._lock:
            if self._stopped:
                return
            self._dirty.setdefault(workshop_id, set()).add(prompt_id if prompt_id is not None else -position_id)
            start = not self._running
            self._running = True
            if start:
                self._idle.clear()
        if start:
            self.socketio.start_background_task(self._loop)

    # -- the background task -----------------------------------------------------------------

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the task (after the round under way) and wait for it (app shutdown, tests)."""
        with self._lock:
            self._stopped = True
        self._idle.wait(timeout)
        self.analyser.close()

    def _due(self, now: float) -> tuple[list[tuple[int, set[int]]], float | None]:
        """Take the dirty workshops whose turn has come; return them and when the next one is due."""
        taken, next_due = [], None
        with self._lock:
            for workshop_id in list(self._dirty):
                due = self._last_run.get(workshop_id, -1e9) + self.interval
                if due <= now:
                    taken.append((workshop_id, self._dirty.pop(workshop_id)))
                    self._last_run[workshop_id] = now
                else:
                    next_due = due if next_due is None else min(next_due, due)
        return taken, next_due

    def _next_due(self) -> float:
        with self._lock:
            return min((self._last_run.get(w, -1e9) + self.interval for w in self._dirty), default=0.0)

    def run_due(self) -> int:
        """Recompute every workshop whose turn has come; return how many maps were sent."""
        taken, _ = self._due(time.monotonic())
        sent = 0
        for workshop_id, keys in taken:
            with self.app.app_context():
                for prompt_id in _prompts_of(keys):
                    try:
                        sent += self.recompute(prompt_id)
                    except Exception:
                        db.session.rollback()
                        self.app.logger.exception("opinion map of prompt %s failed", prompt_id)
                        self._retry(workshop_id, prompt_id)
        return sent

    def _retry(self, workshop_id: int, prompt_id: int) -> None:
        with self._lock:
            self._dirty.setdefault(workshop_id, set()).add(prompt_id)

    def _loop(self) -> None:
        """Wake when the next dirty workshop is due; end when nothing is dirty (a touch starts it again).

        Every way out sets `_running` under the lock, so at most one loop runs at a time.
        """
        wait = SETTLE
        try:
            while True:
                self._sleep(wait)
                if not self._stopped:
                    try:
                        self.run_due()
                    except Exception:
                        self.app.logger.exception("opinion maps: round failed")
                with self._lock:
                    if self._stopped or not self._dirty:
                        self._running = False
                        self._idle.set()
                        return
                wait = max(SETTLE, self._next_due() - time.monotonic())
        except BaseException:  # killed (greenlet exit): let a later touch start a new loop
            with self._lock:
                self._running = False
                self._idle.set()
            raise

    def _sleep(self, seconds: float) -> None:
        """Sleep (cooperatively under gevent) in short slices, so `stop` does not wait for a whole interval."""
        deadline = time.monotonic() + seconds
        while not self._stopped:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.socketio.sleep(min(remaining, STOP_SLICE))

    # -- one prompt --------------------------------------------------------------------------

    def recompute(self, prompt_id: int) -> int:
        """Analyse one prompt, store the map over the version read, send it if it changed (1), else 0.

        A crowd's map (`_cells` at least the analysis process's threshold) is read, analysed and
        stored by the analysis process; a small one here, read between votes, analysed in the
        thread pool (opinion/publish.py either way).
        """
        prompt = db.session.get(Prompt, prompt_id)
        if prompt is None:
            return 0
        workshop_id, visible = prompt.workshop_id, prompt.opinion_visible
        seen = db.session.scalar(select(OpinionMapRow.version).where(OpinionMapRow.prompt_id == prompt_id)) or 0
        cells = self._cells(prompt_id, workshop_id)
        db.session.rollback()  # end the read: what follows takes a while, and the store is a write of its own
        outcome = None
        if cells >= self.analyser.min_cells:  # the child continues its own map, or the stored one
            outcome = self.analyser.publish(self.database_url, prompt_id, workshop_id, seen)
        if outcome is None:
            cached = self._maps.get(prompt_id)
            if cached is not None and cached[0] == seen:
                _, previous, last_payload = cached
            else:  # another process (or the child, or this one before a restart) stored the last map
                _, previous, last_payload = load_previous(db.engine, prompt_id)
            outcome = publish(db.engine, prompt_id, workshop_id, seen, previous, last_payload, self.analyser.analyse,
                              pause=lambda: self.socketio.sleep(0.001))  # votes are answered between the pieces
            if outcome.status == "stored":
                self._maps[prompt_id] = (seen + 1, outcome.kept, outcome.payload)
        self.computed += 1
        self.last_seconds = outcome.seconds
        if outcome.status == "conflict":
            self._maps.pop(prompt_id, None)
            self._retry(workshop_id, prompt_id)  # another process stored first: again from its map
            return 0
        if outcome.status != "stored" or not outcome.changed:
            return 0  # no map yet (fewer than 3 participants with reactions, ...), still none, or the same
        self._send(workshop_id, visible, with_version(outcome.payload, seen + 1))
        self.published += 1
        return 1

    @staticmethod
    def _cells(prompt_id: int, workshop_id: int) -> int:
        """The matrix's size at most: the workshop's participants × the prompt's positions (two indexed counts)."""
        people = db.session.scalar(select(func.count()).select_from(Participant)
                                   .where(Participant.workshop_id == workshop_id)) or 0
        positions = db.session.scalar(select(func.count()).select_from(Position)
                                      .where(Position.prompt_id == prompt_id)) or 0
        return people * positions

    def _send(self, workshop_id: int, visible: bool, message: dict) -> None:
        self.socketio.emit("opinion", message, to=workshop_room(workshop_id, "moderators"), namespace=NAMESPACE)
        if visible:
            self.socketio.emit("opinion", public_payload(message, self.public_points), to=public_rooms(workshop_id),
                               namespace=NAMESPACE)
            _drop_shared_snapshot(workshop_id)


def _prompts_of(keys: set[int]) -> list[int]:
    """Prompt ids from dirty keys: prompt ids as they are, positions (negative) by their prompt."""
    prompt_ids = {k for k in keys if k > 0}
    positions = [-k for k in keys if k < 0]
    if positions:
        prompt_ids.update(db.session.scalars(select(Position.prompt_id).where(Position.id.in_(positions))))
    return sorted(prompt_ids)


def _drop_shared_snapshot(workshop_id: int) -> None:
    """The participants' shared `state` carries the map: build it afresh (we are after the commit)."""
    shared, generations = caches()
    generations[workshop_id] = generations.get(workshop_id, 0) + 1
    shared.pop(workshop_id, None)


# -- `state` and `show_opinion_map` ---------------------------------------------------------------


def opinion_state(prompt_ids: list[int], visible_ids: set[int] | None) -> dict[str, dict]:
    """`state.opinion` (an addition): {prompt_id: the last `opinion` message} of the prompts that have a map.

    `visible_ids` None: every prompt's, as moderators and rapporteurs get it; else only those
    prompts', as participants and screens get it. Prompts without a stored map are marked dirty
    for moderators, so a console opened on existing reactions (an import) gets its map.
    """
    wanted = prompt_ids if visible_ids is None else [p for p in prompt_ids if p in visible_ids]
    if not wanted:
        return {}
    rows = db.session.execute(select(OpinionMapRow.prompt_id, OpinionMapRow.version, OpinionMapRow.payload)
                              .where(OpinionMapRow.prompt_id.in_(wanted))).all()
    out = {}
    live = worker()
    for prompt_id, version, payload in rows:
        message = with_version(payload, version)
        out[str(prompt_id)] = message if visible_ids is None else public_payload(
            message, live.public_points if live else len(message["points"]))
    if visible_ids is None and live is not None:
        missing = set(wanted) - {row.prompt_id for row in rows}
        if missing:
            workshop_id = db.session.scalar(select(Prompt.workshop_id).where(Prompt.id == wanted[0]))
            for prompt_id in missing:
                live.touch(workshop_id, prompt_id)
    return out


def show_after_commit(prompt: Prompt) -> None:
    """The map was just made visible: after commit, participants and screens get the last one.

    Without a stored map the prompt is marked dirty instead (reactions from before this
    process, or an import): it is sent once computed.
    """
    workshop_id, prompt_id = prompt.workshop_id, prompt.id
    row = db.session.get(OpinionMapRow, prompt_id)
    live = worker()
    if row is None:
        touch_after_commit(workshop_id, prompt_id)
        return
    message = public_payload(with_version(row.payload, row.version),
                             live.public_points if live else len(row.payload["points"]))
    announce(lambda: socketio.emit("opinion", message, to=public_rooms(workshop_id), namespace=NAMESPACE))


def init_app(app: Flask) -> OpinionWorker:
    """Create this process's worker."""
    live = OpinionWorker(app, socketio)
    app.extensions[KEY] = live
    return live
