"""Live opinion maps (CONTRACT §9): recomputed in the background, throttled per workshop, sent as `opinion`.

Writes that change a prompt's reaction matrix (a reaction, a position that
becomes visible, a position approved or hidden) call `touch_after_commit`:
after the commit, the prompt is marked dirty in this process — a set insert,
nothing else on the path of the reaction. One background task per process
(`OpinionWorker`, a greenlet under gevent) wakes when something is dirty and
recomputes each dirty workshop's prompts at most once every `OPINION_INTERVAL`
seconds: it reads the matrix, runs `analyse` in gevent's thread pool (numpy
and scikit-learn then run beside the event loop, which keeps answering votes
and reactions), and stores the map in `opinion_maps` over the version it
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
from functools import partial

from flask import Flask, current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..blocking import off_loop
from ..db_types import utcnow
from ..extensions import db, socketio
from ..live import NAMESPACE
from ..live.outbox import announce
from ..live.rooms import public_rooms, workshop_room
from ..live.snapshots import caches
from ..participation.models import Participant, Position
from ..workshops.models import Prompt
from .history import history_dict, history_map
from .math import analyse
from .models import OpinionMapRow
from .payloads import live_payload, public_payload, with_version
from .result import OpinionMap
from .services import PromptMap, read_matrix

KEY = "facilitator.opinion"
#: The first recompute after a quiet spell waits this long, so a burst's first writes are in it.
SETTLE = 0.05


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
        self._dirty: dict[int, set[int]] = {}  # workshop id -> prompt ids, and -position ids (prompt unknown)
        self._last_run: dict[int, float] = {}  # workshop id -> monotonic time of its last round
        #: prompt id -> (version, map, payload) this process stored last: its `previous`, while current.
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
                self.socketio.sleep(wait)
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

    # -- one prompt --------------------------------------------------------------------------

    def recompute(self, prompt_id: int) -> int:
        """Analyse one prompt, store the map over the version read, send it if it changed (1), else 0."""
        started = time.perf_counter()
        prompt = db.session.get(Prompt, prompt_id)
        if prompt is None:
            return 0
        workshop_id, visible = prompt.workshop_id, prompt.opinion_visible
        seen = db.session.scalar(select(OpinionMapRow.version).where(OpinionMapRow.prompt_id == prompt_id)) or 0
        cached = self._maps.get(prompt_id)
        if cached is not None and cached[0] == seen:
            previous, last_payload = cached[1], cached[2]
        elif seen:  # another process (or this one before a restart) stored the last map
            row = db.session.get(OpinionMapRow, prompt_id)
            previous = history_map(row.history) if row.history else None
            last_payload = row.payload
        else:
            previous, last_payload = None, None
        matrix = read_matrix(prompt_id, pause=lambda: self.socketio.sleep(0))  # votes are answered in between
        attendance = dict(db.session.execute(
            select(Participant.id, Participant.attendance).where(Participant.workshop_id == workshop_id)).all())
        db.session.rollback()  # end the read: the analysis takes a while, and the store is a write of its own
        read = time.perf_counter()

        result = off_loop(partial(analyse, matrix.votes, matrix.participant_ids, matrix.position_ids, previous,
                                  moderated_out=matrix.hidden))
        self.computed += 1
        analysed = time.perf_counter()
        if result.empty and last_payload is None:
            self.last_seconds = {"read": read - started, "analyse": analysed - read, "store": 0.0}
            return 0  # no map yet (fewer than 3 participants with reactions, ...): nothing to send
        payload = live_payload(PromptMap(prompt_id, result, attendance))
        if result.empty and payload == last_payload:
            return 0  # still no map: nothing to store or send
        kept = result if not result.empty else previous  # an empty map does not reset the history
        version = seen + 1
        if not self._store(prompt_id, seen, payload, kept):
            self._maps.pop(prompt_id, None)
            self._retry(workshop_id, prompt_id)  # another process stored first: again from its map
            return 0
        self._maps[prompt_id] = (version, kept, payload)
        self.last_seconds = {"read": read - started, "analyse": analysed - read,
                             "store": time.perf_counter() - analysed}
        if payload == last_payload:
            return 0
        self._send(workshop_id, visible, with_version(payload, version))
        self.published += 1
        return 1

    def _store(self, prompt_id: int, seen: int, payload: dict, kept: OpinionMap | None) -> bool:
        """Store the map as version seen + 1, only if the stored version is still `seen`."""
        history = history_dict(kept) if kept is not None and not kept.empty else None
        values = {"version": seen + 1, "payload": payload, "updated_at": utcnow()}
        if history is not None or seen == 0:
            values["history"] = history
        try:
            if seen == 0:
                db.session.add(OpinionMapRow(prompt_id=prompt_id, **values))
                db.session.flush()
                stored = True
            else:
                stored = db.session.execute(
                    update(OpinionMapRow).where(OpinionMapRow.prompt_id == prompt_id, OpinionMapRow.version == seen)
                    .values(**values)).rowcount == 1
            if stored:
                db.session.commit()
            else:
                db.session.rollback()
            return stored
        except (IntegrityError, OperationalError):
            db.session.rollback()  # a concurrent first store, or the database busy: next turn
            return False

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
