"""Benchmark the live opinion map: one recompute at crowd size, and what it costs vote acks meanwhile.

`python -m facilitator.bench.opinion_live [--participants 5000] [--positions 40] [--voters 300]`

1. Starts `facilitator serve` (gevent, SQLite in a temporary folder), creates a
   workshop and opens its first prompt.
2. Seeds that prompt with N participants × M positions of reactions (three
   opinion camps, each participant reacting to about `--density` of the
   positions), straight into the database.
3. In this process, on the same database: the time of one recompute (reading
   the matrix, `analyse`, storing the map) and the size of the `opinion`
   message.
4. Over websockets: `--voters` live participants (load-generator processes)
   change their votes in rounds of `--window` seconds; every other round a
   participant reacts to a seeded position twice a second, so the prompt
   stays dirty and the server recomputes its map every `OPINION_INTERVAL`
   during the round. The moderator's console counts the `opinion` messages.
   Vote-ack latency (p50, p95, max) with and without the recompute running is
   the figure: a live update for a crowd must not delay votes. Recomputes are
   counted from the stored map's version (`state.opinion`), which every stored
   analysis bumps. `--no-recompute` runs the same rounds with the recompute off
   (`FACILITATOR_OPINION_INTERVAL=1e9`): what the reactions alone cost.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import secrets
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp
import numpy as np

from .client import LiveClient
from .loadgen import Participant as LoadParticipant
from .loadgen import raise_nofile
from .runner import Settings, Target, Workers, create_workshop, fmt_ms, merge, summarize_acks
from .servers import ServerProcess, facilitator_command, free_port

VALUES = ("agree", "disagree", "pass")


def seed(database_url: str, prompt_id: int, participants: int, positions: int, density: float,
         camps: int = 3, seed_value: int = 0) -> dict:
    """Write N participants, M positions and their reactions for a prompt, in bulk; return counts."""
    from sqlalchemy import create_engine, insert, select

    from facilitator.accounts import models as _accounts  # noqa: F401  (the mappers' relationships)
    from facilitator.db_types import utcnow
    from facilitator.participation.models import Participant, Position, Reaction
    from facilitator.workshops.models import Prompt

    rng = np.random.default_rng(seed_value)
    engine = create_engine(database_url)
    now = utcnow()
    with engine.begin() as conn:
        workshop_id = conn.execute(select(Prompt.workshop_id).where(Prompt.id == prompt_id)).scalar_one()
        conn.execute(insert(Participant), [
            {"workshop_id": workshop_id, "attendance": "onsite" if i % 2 else "online",
             "token_hash": hashlib.sha256(f"seed-{workshop_id}-{i}-{secrets.token_hex(4)}".encode()).hexdigest(),
             "joined_at": now} for i in range(participants)])
        people = conn.execute(select(Participant.id).where(Participant.workshop_id == workshop_id)
                              .order_by(Participant.id.desc()).limit(participants)).scalars().all()[::-1]
        conn.execute(insert(Position), [
            {"prompt_id": prompt_id, "participant_id": people[j], "text": f"Seeded statement {j + 1}.",
             "status": "visible", "pinned": False, "client_id": f"seed-{j}", "created_at": now}
            for j in range(positions)])
        statements = conn.execute(select(Position.id).where(Position.prompt_id == prompt_id)
                                  .order_by(Position.id.desc()).limit(positions)).scalars().all()[::-1]
        stance = rng.choice([-1, 1], size=(camps, positions))  # each camp's view of each statement
        rows = []
        for i, person in enumerate(people):
            camp = i % camps
            for j, statement in enumerate(statements):
                if person == people[j] or rng.random() >= density:
                    continue
                draw = rng.random()
                value = "pass" if draw < 0.1 else (
                    ("agree" if stance[camp, j] > 0 else "disagree") if draw < 0.85 else
                    ("disagree" if stance[camp, j] > 0 else "agree"))
                rows.append({"position_id": statement, "participant_id": person, "value": value, "updated_at": now})
        for start in range(0, len(rows), 20_000):
            conn.execute(insert(Reaction), rows[start:start + 20_000])
    engine.dispose()
    return {"participants": participants, "positions": positions, "reactions": len(rows),
            "position_ids": statements}


def one_recompute(database_url: str, prompt_id: int, runs: int = 3) -> dict:
    """Time the live recompute of the seeded prompt in this process (threading mode, no clients)."""
    from facilitator import create_app
    from facilitator.extensions import db
    from facilitator.opinion.live import worker
    from facilitator.opinion.services import reaction_matrix, read_matrix
    from facilitator.workshops.models import Prompt

    with tempfile.TemporaryDirectory(prefix="facilitator-opinion-bench-") as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench", "ASYNC_MODE": "threading",
                          "INSTANCE_PATH": tmp, "TESTING": True})
        with app.app_context():
            live = worker()
            prompt = db.session.get(Prompt, prompt_id)
            reads, slices = [], []
            for _ in range(runs):
                marks = [time.perf_counter()]
                matrix = read_matrix(prompt_id, pause=lambda: marks.append(time.perf_counter()))
                marks.append(time.perf_counter())
                reads.append(marks[-1] - marks[0])
                slices.append(max(b - a for a, b in zip(marks, marks[1:])))
                db.session.rollback()
            started = time.perf_counter()
            same = reaction_matrix(prompt)
            whole = time.perf_counter() - started
            assert np.array_equal(same.votes, matrix.votes, equal_nan=True)
            db.session.rollback()
            started = time.perf_counter()  # the analysis process's start (once per server process)
            live.analyser.analyse(np.zeros((300, 200)), list(range(300)), list(range(200)))
            child_start = time.perf_counter() - started
            steps = []
            for _ in range(runs):  # the first has no previous map (30 k-means++ restarts); then warm starts
                live.recompute(prompt_id)
                steps.append(dict(live.last_seconds))
            from facilitator.opinion.models import OpinionMapRow
            row = db.session.get(OpinionMapRow, prompt_id)
            payload = json.dumps(row.payload, separators=(",", ":")) if row else ""
            from facilitator.opinion.payloads import public_payload
            public = json.dumps(public_payload(row.payload, live.public_points), separators=(",", ":")) if row else ""
            groups = len(row.payload["groups"]) if row else 0
            in_map = row.payload["participants_in"] if row else 0
            # Leave the database as the server will find it: no stored map yet.
            if row is not None:
                db.session.delete(row)
                db.session.commit()
            live.stop()  # and its analysis process
            db.engine.dispose()
    return {"matrix_shape": list(matrix.votes.shape), "read_median": statistics.median(reads),
            "longest_slice": statistics.median(slices), "read_in_one_piece": whole, "child_start": child_start,
            "first": steps[0], "warm": steps[1:], "groups": groups, "participants_in": in_map,
            "payload_kib": len(payload.encode()) / 1024, "public_payload_kib": len(public.encode()) / 1024}


async def live_rounds(url: str, code: str, moderator_token: str, prompt: dict, position_ids: list[int],
                      voters: int, processes: int, rounds: int, window: float, say) -> dict:
    """Vote rounds alternately quiet and with the opinion map recomputing; return the figures."""
    target = Target("facilitator", url, code, moderator_token, prompt["id"], [o["id"] for o in prompt["options"]])
    settings = Settings(participants=voters, processes=processes, vote_window=window)
    workers = Workers(target, settings)
    session = aiohttp.ClientSession()
    moderator = LiveClient(session, url)
    reactor = LoadParticipant(-2, LiveClient(session, url))
    opinions: list[tuple[float, dict]] = []
    moderator.on("opinion", lambda arrived, payload: opinions.append((arrived, payload)))
    figures: dict = {"quiet": {"latencies": [], "errors": {}, "ok": 0, "last_ack": 0.0},
                     "busy": {"latencies": [], "errors": {}, "ok": 0, "last_ack": 0.0},
                     "reactions": [], "opinions_during_busy": 0, "rounds": []}
    try:
        connected = time.monotonic()
        await moderator.connect({"workshop": code, "moderator_token": moderator_token})
        ack = await moderator.emit("open_prompt", {"prompt_id": prompt["id"]})
        if not ack or not ack.get("ok"):
            raise RuntimeError(f"open_prompt refused: {ack}")
        await reactor.client.connect({"workshop": code})
        joined = await reactor.client.emit("join", {"attendance": "online"})
        if not joined or not joined.get("ok"):
            raise RuntimeError(f"join refused: {joined}")
        say(f"connecting {voters} voters over {processes} processes ...")
        ready = await workers.ask("connect", wait=60 + voters / 20, concurrency=100)
        say(f"{sum(r['ready'] for r in ready)}/{voters} ready")

        # The console's connect finds no stored map for the seeded prompt and has it computed:
        # the crowd's first map (a fresh k-means, no previous map), then warm starts.
        await reactor.client.emit("react", {"position_id": position_ids[0], "value": "agree"})
        while not opinions and time.monotonic() < connected + 60:
            await asyncio.sleep(0.05)
        figures["first_map_seconds"] = (opinions[0][0] - connected) if opinions else None
        await asyncio.sleep(3)

        async def stored_version() -> int:
            state = (await moderator.emit("get_state", {}))["state"]
            return state["opinion"].get(str(prompt["id"]), {}).get("version", 0)

        async def trickle(stop_at: float):
            k = 0
            while time.monotonic() < stop_at:
                k += 1
                sent = time.monotonic()
                ack = await reactor.client.emit("react", {"position_id": position_ids[k % len(position_ids)],
                                                          "value": VALUES[k % 3]})
                if ack and ack.get("ok"):
                    figures["reactions"].append(time.monotonic() - sent)
                await asyncio.sleep(0.5)

        for r in range(2 * rounds):
            kind = "busy" if r % 2 else "quiet"
            start = time.monotonic() + 0.5
            before, version = len(opinions), await stored_version()
            task = asyncio.create_task(trickle(start + window)) if kind == "busy" else None
            replies = await workers.ask("votes", wait=window + 120, prompt_id=prompt["id"],
                                        option_ids=[o["id"] for o in prompt["options"]], start=start, window=window,
                                        timeout=90)
            if task:
                await task
            merged = merge(replies)
            summary = summarize_acks(merged)
            during = sum(1 for arrived, _ in opinions[before:] if start <= arrived <= start + window + 1)
            recomputes = await stored_version() - version  # every stored analysis bumps the version
            figures["rounds"].append({"kind": kind, "p95": summary["p95"], "max": summary["max"], "opinions": during,
                                      "recomputes": recomputes})
            figures[kind]["latencies"] += merged["latencies"]
            figures[kind]["ok"] += merged["ok"]
            for name, n in merged["errors"].items():
                figures[kind]["errors"][name] = figures[kind]["errors"].get(name, 0) + n
            if kind == "busy":
                figures["opinions_during_busy"] += during
                figures["recomputes_during_busy"] = figures.get("recomputes_during_busy", 0) + recomputes
            say(f"round {r + 1} ({kind}): vote ack p95 {fmt_ms(summary['p95'])}, {recomputes} recomputes, "
                f"{during} opinion messages")
            await asyncio.sleep(3 if kind == "busy" else 0.5)  # the last recompute of a busy round ends
        figures["versions"] = [p["version"] for _, p in opinions]
        figures["last_opinion"] = {k: v for k, v in opinions[-1][1].items() if k != "points"} if opinions else None
    finally:
        await moderator.close()
        await reactor.client.close()
        await session.close()
        workers.close()
    for kind in ("quiet", "busy"):
        figures[kind] = summarize_acks(figures[kind])
    lat = sorted(figures["reactions"])
    figures["reactions"] = {"ok": len(lat), "p95": lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else None}
    return figures


def run(participants: int, positions: int, density: float, voters: int, processes: int, rounds: int,
        window: float, say=print, keep_log: str | None = None, recompute: bool = True) -> dict:
    raise_nofile()
    report: dict = {"participants": participants, "positions": positions, "voters": voters,
                    "live_recompute": recompute}
    with tempfile.TemporaryDirectory(prefix="facilitator-opinion-live-") as tmp:
        tmp = Path(tmp)
        port = free_port()
        database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
        env = dict(os.environ, FACILITATOR_DATABASE_URL=database_url, FACILITATOR_SECRET_KEY=secrets.token_hex(16),
                   FACILITATOR_ASYNC_MODE="gevent", FACILITATOR_PUBLIC_URL=f"http://127.0.0.1:{port}",
                   FACILITATOR_INSTANCE_PATH=str(tmp / "instance"))
        env.pop("FACILITATOR_MESSAGE_QUEUE", None)
        if not recompute:  # the map of the seeded crowd once, when the console connects, then never again
            env["FACILITATOR_OPINION_INTERVAL"] = "1e9"
        say(f"starting facilitator serve (gevent) on port {port} with {database_url}")
        server = ServerProcess("facilitator", facilitator_command() + ["serve", "--port", str(port)], env, port,
                               tmp / "facilitator.log")
        try:
            server.wait_ready("/healthz")
            workshop = create_workshop(env)
            prompt = workshop["prompts"][0]
            say(f"seeding {participants} participants × {positions} positions of reactions ...")
            started = time.monotonic()
            seeded = seed(database_url, prompt["id"], participants, positions, density)
            say(f"{seeded['reactions']} reactions in {time.monotonic() - started:.1f} s")
            report["reactions"] = seeded["reactions"]
            say("one recompute, in this process ...")
            report["recompute"] = one_recompute(database_url, prompt["id"])
            report["live"] = asyncio.run(live_rounds(server.url, workshop["code"], workshop["moderator_token"],
                                                     prompt, seeded["position_ids"], voters, processes, rounds,
                                                     window, say))
            report["tracebacks"] = server.log_count("Traceback")
            if report["tracebacks"]:
                say("server log (tail):\n" + server.log_tail(60))
        finally:
            server.stop()
            if keep_log:
                shutil.copyfile(tmp / "facilitator.log", keep_log)
    return report


def lines(report: dict) -> list[str]:
    rec, live = report["recompute"], report["live"]
    warm = rec["warm"] or [rec["first"]]

    def med(key):
        return statistics.median(step[key] for step in warm)

    quiet, busy = live["quiet"], live["busy"]
    return [
        f"seeded prompt: {report['participants']} participants × {report['positions']} positions, "
        f"{report['reactions']} reactions; map: {rec['participants_in']} in it, {rec['groups']} groups",
        f"one recompute (this process): read {rec['read_median']:.3f} s here (in pieces of {rec['longest_slice'] * 1000:.0f} ms "
        f"at most; {rec['read_in_one_piece']:.3f} s through the ORM), in the analysis process read + analyse "
        f"{rec['first']['read'] + rec['first']['analyse']:.3f} s fresh / "
        f"{med('read') + med('analyse'):.3f} s warm-started, store {med('store'):.3f} s; the analysis process "
        f"starts in {rec['child_start']:.1f} s",
        f"opinion message: {rec['payload_kib']:.0f} KiB to moderators, {rec['public_payload_kib']:.0f} KiB to "
        f"participants and screens (points sampled)",
        f"first map of the crowd: {live['first_map_seconds']:.2f} s after the console connected"
        if live.get("first_map_seconds") is not None else "first map: none arrived",
        f"vote acks, {report['voters']} voters, quiet rounds: {quiet['ok']} ok / {quiet['errors']} errors, "
        f"p50 {fmt_ms(quiet['p50'])}, p95 {fmt_ms(quiet['p95'])}, max {fmt_ms(quiet['max'])}",
        f"vote acks in the reaction rounds ({'map recomputing' if report['live_recompute'] else 'recompute off'}): "
        f"{busy['ok']} ok / {busy['errors']} errors, "
        f"p50 {fmt_ms(busy['p50'])}, p95 {fmt_ms(busy['p95'])}, max {fmt_ms(busy['max'])} "
        f"({live.get('recomputes_during_busy', 0)} recomputes and {live['opinions_during_busy']} opinion messages "
        f"during those rounds)",
        f"react acks in those rounds: {live['reactions']['ok']} ok, p95 {fmt_ms(live['reactions']['p95'])}",
        "rounds (p95 / max / recomputes): " + ", ".join(
            f"{r['kind']} {fmt_ms(r['p95'])}/{fmt_ms(r['max'])}/{r['recomputes']}" for r in live["rounds"]),
        f"server tracebacks: {report['tracebacks']}",
    ]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m facilitator.bench.opinion_live", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=5000, help="seeded participants (default 5000)")
    parser.add_argument("--positions", type=int, default=40, help="seeded positions (default 40)")
    parser.add_argument("--density", type=float, default=0.5, help="share of the positions each reacts to")
    parser.add_argument("--voters", type=int, default=300, help="live voters over websockets (default 300)")
    parser.add_argument("--processes", type=int, default=1, help="load-generator processes (default 1)")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of quiet and busy rounds (default 3)")
    parser.add_argument("--window", type=float, default=8.0, help="seconds of each vote round (default 8)")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON too")
    parser.add_argument("--server-log", help="copy the server's log to this file")
    parser.add_argument("--no-recompute", action="store_true",
                        help="the same rounds with the live recompute off (OPINION_INTERVAL 1e9): what the "
                             "reactions alone cost")
    args = parser.parse_args(argv)
    report = run(args.participants, args.positions, args.density, args.voters, args.processes, args.rounds,
                 args.window, say=lambda m: print(m, flush=True), keep_log=args.server_log,
                 recompute=not args.no_recompute)
    print("\nfacilitator.bench.opinion_live")
    for line in lines(report):
        print("  " + line)
    if args.json:
        print(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
