"""Export benchmark (`facilitator bench-export`): a large session in a scratch SQLite database, each format timed.

Rows are bulk-inserted with executemany (no ORM objects), then every format
is written to a temporary file while tracemalloc records the peak of Python
allocations; the process's peak RSS is reported too.
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

STAKEHOLDERS = ("government", "civil_society", "private_sector", "technical_community",
                "academia", "intergovernmental", "media", "other", None)
COUNTRIES = ("CH", "FR", "BR", "IN", "KE", "JP", "US", "DE", "NG", "MX", None)


def fill(participants: int, positions: int, reactions: int, seed: int = 104) -> str:
    """Create the workshop and its rows; return its join code."""
    from ..extensions import db
    from ..participation.models import Participant, Position, Reaction, Vote, VoteChoice
    from ..workshops.models import Prompt
    from ..workshops.services import create_workshop

    rng = random.Random(seed)
    workshop, _ = create_workshop("Creativity and generative AI (benchmark)", template="igf-ai-copyright")
    db.session.flush()
    start = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    workshop.status, workshop.started_at, workshop.ended_at = "ended", start, start + timedelta(minutes=62)
    for prompt in workshop.prompts:
        prompt.status, prompt.opened_at, prompt.closed_at = "closed", start, start + timedelta(minutes=20)
    db.session.commit()
    prompts = db.session.scalars(select(Prompt).where(Prompt.workshop_id == workshop.id)
                                 .order_by(Prompt.order)).all()
    options = {p.id: [o.id for o in p.options] for p in prompts}
    kinds = {p.id: p.kind for p in prompts}

    first = (db.session.scalar(select(db.func.max(Participant.id))) or 0) + 1
    db.session.execute(insert(Participant), [
        {"id": first + i, "workshop_id": workshop.id, "token_hash": f"{workshop.id:08x}{i:056x}",
         "attendance": "onsite" if rng.random() < 0.35 else "online",
         "display_name": f"Secret Name {i}", "stakeholder_group": rng.choice(STAKEHOLDERS),
         "country": rng.choice(COUNTRIES), "joined_at": start}
        for i in range(participants)
    ])
    ids = list(range(first, first + participants))

    vote_id = (db.session.scalar(select(db.func.max(Vote.id))) or 0) + 1
    votes, choices = [], []
    for prompt_id, option_ids in options.items():
        for pid in ids:
            if rng.random() < 0.9:
                votes.append({"id": vote_id, "prompt_id": prompt_id, "participant_id": pid,
                              "created_at": start, "updated_at": start})
                picked = (rng.sample(option_ids, rng.randint(1, 2)) if kinds[prompt_id] == "multiple"
                          else [rng.choice(option_ids)])
                choices.extend({"vote_id": vote_id, "option_id": o, "prompt_id": prompt_id} for o in picked)
                vote_id += 1
    db.session.execute(insert(Vote), votes)
    db.session.execute(insert(VoteChoice), choices)

    position_id = (db.session.scalar(select(db.func.max(Position.id))) or 0) + 1
    rows, authors = [], {}
    for n in range(positions):
        prompt_id = prompts[n % len(prompts)].id
        author = rng.choice(ids)
        authors[position_id + n] = author
        rows.append({"id": position_id + n, "prompt_id": prompt_id, "participant_id": author,
                     "option_id": rng.choice(options[prompt_id] + [None]),
                     "text": f"Position {n}: " + "machines do not create, people do. " * rng.randint(1, 6),
                     "status": rng.choices(("visible", "pending", "hidden"), (90, 5, 5))[0],
                     "pinned": False, "client_id": f"c{n}", "created_at": start})
    db.session.execute(insert(Position), rows)

    per_position, batch, values = reactions // positions, [], ("agree", "disagree", "pass")
    extra = reactions - per_position * positions
    for k, (pos_id, author) in enumerate(authors.items()):
        count = per_position + (1 if k < extra else 0)
        reactors = rng.sample(ids, count + 1)
        reactors = [r for r in reactors if r != author][:count]
        batch.extend({"position_id": pos_id, "participant_id": r, "value": rng.choice(values),
                      "updated_at": start} for r in reactors)
        if len(batch) >= 20_000:
            db.session.execute(insert(Reaction), batch)
            batch = []
    if batch:
        db.session.execute(insert(Reaction), batch)
    db.session.commit()
    return workshop.code


def run_benchmark(participants: int, positions: int, reactions: int, database: str | None):
    """Yield report lines: fill time, then time, size and peak memory per format."""
    from .. import create_app
    from ..extensions import db
    from ..export.formats import FORMATS

    scratch = tempfile.mkdtemp(prefix="facilitator-bench-")
    path = database or os.path.join(scratch, "bench.sqlite3")
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "ASYNC_MODE": "threading",
                      "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        t0 = time.perf_counter()
        code = fill(participants, positions, reactions)
        yield (f"filled {path}: {participants} participants, 3 prompts of votes, {positions} positions, "
               f"{reactions} reactions in {time.perf_counter() - t0:.1f} s")
    for fmt in FORMATS:
        out = os.path.join(scratch, f"export.{FORMATS[fmt].extension}")
        timings = []
        for _ in range(2):  # the first run also compiles templates; report the best
            timings.append(_export(app, code, fmt, out, trace=False))
        peak = _export(app, code, fmt, out, trace=True)  # tracemalloc slows Python down: separate run
        yield (f"{fmt:5s} {min(timings):6.2f} s (first run {timings[0]:.2f} s)  "
               f"{os.path.getsize(out) / 1024:7.0f} KiB  peak Python allocations {peak / 2**20:5.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yield f"peak RSS of the whole run (fill included): {rss:.0f} MiB"


def _export(app, code: str, fmt: str, out: str, trace: bool) -> float:
    """Write one export; return the seconds it took, or the peak traced bytes when `trace`."""
    from ..extensions import db
    from ..workshops.services import find_workshop
    from ..export.formats import write_export

    with app.app_context():
        workshop = find_workshop(code)
        if trace:
            tracemalloc.start()
        t0 = time.perf_counter()
        with open(out, "wb") as fp:
            write_export(workshop, fmt, fp)
        elapsed = time.perf_counter() - t0
        if trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        db.session.remove()
    return peak if trace else elapsed
