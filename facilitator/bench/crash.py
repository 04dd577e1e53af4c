"""The crash drill: SIGKILL the server in the middle of a burst, restart it, count what survived.

Participants vote, post positions and react as fast as they get acks; partway
through, the server process is killed (SIGKILL: no shutdown, nothing flushed).
It is started again on the same database; every participant reconnects at once
with its token (as phones do after a restart) and the drill times how long each
takes to get its `state` back. Then:

- **lost**: a write acknowledged before the kill that the database does not hold
  (a vote or reaction is held when the stored value is the acknowledged one or a
  later one the participant sent; a position when its client_id is stored);
- **duplicated**: the writes that got no ack are sent again with the same
  payloads (as the participant page's outbox does); a retried position must come
  back as the same row, never a second one.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

from .client import LiveClient
from .loadgen import raise_nofile, source_address
from .runner import create_workshop, percentile
from .servers import ServerProcess, facilitator_command, free_port


@dataclass
class DrillSettings:
    participants: int = 200
    positions: int = 200  #: positions in the workshop before the burst (resume has to carry them)
    burst_seconds: float = 4.0
    kill_after: float = 2.0
    seed: int = 104
    say: object = print


@dataclass
class Person:
    index: int
    client: LiveClient | None = None
    participant_id: int | None = None
    token: str | None = None
    own: set = field(default_factory=set)
    sent: list = field(default_factory=list)  #: [(event, payload, acked)] in the order sent


def _auth(person: Person, code: str) -> dict:
    return {"workshop": code, "participant_token": person.token}


class Drill:
    def __init__(self, settings: DrillSettings, workdir: Path):
        self.s = settings
        self.random = random.Random(settings.seed)
        self.port = free_port()
        self.database_url = f"sqlite:///{workdir / 'drill.sqlite3'}"
        self.env = dict(os.environ, FACILITATOR_DATABASE_URL=self.database_url,
                        FACILITATOR_SECRET_KEY="crash-drill", FACILITATOR_ASYNC_MODE="gevent",
                        FACILITATOR_PUBLIC_URL=f"http://127.0.0.1:{self.port}",
                        FACILITATOR_INSTANCE_PATH=str(workdir / "instance"),
                        FACILITATOR_RATE_LIMIT_WRITES="100000/10second",
                        FACILITATOR_RATE_LIMIT_STATE="1000/10second")
        self.env.pop("FACILITATOR_MESSAGE_QUEUE", None)
        self.workdir = workdir
        self.sessions: dict = {}
        self.server: ServerProcess | None = None
        self.starts = 0

    def start_server(self) -> None:
        self.starts += 1
        self.server = ServerProcess("facilitator", facilitator_command() + ["serve", "--port", str(self.port)],
                                    self.env, self.port, self.workdir / f"server-{self.starts}.log")
        self.server.wait_ready("/healthz", timeout=60)

    def session(self, index: int) -> aiohttp.ClientSession:
        address = source_address(index, True)
        if address not in self.sessions:
            self.sessions[address] = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0, local_addr=(address, 0)))
        return self.sessions[address]

    async def connect(self, person: Person, auth: dict) -> dict:
        """Connect and wait for the `state` that follows; return it."""
        client = LiveClient(self.session(max(person.index, 0)), self.server.url)
        got = asyncio.get_running_loop().create_future()
        client.on("state", lambda arrived, state: got.done() or got.set_result(state))
        await client.connect(auth)
        person.client = client
        return await asyncio.wait_for(got, 60)

    async def run(self) -> dict:
        s = self.s
        self.start_server()
        workshop = create_workshop(self.env)
        code, prompt = workshop["code"], workshop["prompts"][0]
        options = [o["id"] for o in prompt["options"]]
        moderator = Person(-1)
        await self.connect(moderator, {"workshop": code, "moderator_token": workshop["moderator_token"]})
        assert (await moderator.client.emit("open_prompt", {"prompt_id": prompt["id"]}))["ok"]
        people = [Person(i) for i in range(s.participants)]
        gate = asyncio.Semaphore(100)

        async def join(person: Person):
            async with gate:
                await self.connect(person, {"workshop": code})
                ack = await person.client.emit("join", {"attendance": "onsite" if person.index % 2 else "online"})
                person.participant_id, person.token = ack["participant_id"], ack["participant_token"]

        await asyncio.gather(*(join(p) for p in people))
        s.say(f"{len(people)} participants joined; posting {s.positions} positions")
        positions: list[int] = []

        async def prefill(person: Person, n: int):
            async with gate:
                ack = await person.client.emit("submit_position", {
                    "prompt_id": prompt["id"], "client_id": f"pre-{n}",
                    "text": f"Position {n}: a human author should stay the condition for protection."})
                person.own.add(ack["position_id"])
                positions.append(ack["position_id"])

        await asyncio.gather(*(prefill(people[n % len(people)], n) for n in range(s.positions)))

        # The burst, and the kill in the middle of it.
        stop = time.monotonic() + s.burst_seconds

        async def burst(person: Person):
            n = 0
            while time.monotonic() < stop:
                n += 1
                kind = self.random.choice(("cast_vote", "submit_position", "react"))
                if kind == "cast_vote":
                    payload = {"prompt_id": prompt["id"], "option_ids": [self.random.choice(options)]}
                elif kind == "submit_position":
                    payload = {"prompt_id": prompt["id"], "client_id": f"b{person.index}-{n}",
                               "text": f"Burst position {person.index}.{n}"}
                else:
                    choices = [p for p in positions if p not in person.own]
                    payload = {"position_id": self.random.choice(choices),
                               "value": self.random.choice(("agree", "disagree", "pass"))}
                entry = [kind, payload, False]
                person.sent.append(entry)
                try:
                    ack = await person.client.emit(kind, payload, timeout=10)
                except Exception:  # noqa: BLE001 - the server died: this write has no ack
                    return
                entry[2] = bool(ack and ack.get("ok"))
                if kind == "submit_position" and entry[2]:
                    person.own.add(ack["position_id"])

        async def kill():
            await asyncio.sleep(s.kill_after)
            os.kill(self.server.pid, signal.SIGKILL)

        s.say(f"burst of votes, positions and reactions; SIGKILL after {s.kill_after} s")
        await asyncio.gather(kill(), *(burst(p) for p in people))
        self.server.process.wait(10)
        self.server.stop()
        for person in [moderator, *people]:
            await person.client.close()

        # Restart; everyone reconnects at once with the token they kept.
        restarted = time.monotonic()
        self.start_server()
        ready = time.monotonic()
        s.say(f"restarted in {ready - restarted:.1f} s; {len(people)} participants reconnect at once")
        resume: list[float] = []
        failures = 0

        async def reconnect(person: Person):
            nonlocal failures
            for _ in range(20):  # as socket.io clients do: try again until the server takes us
                try:
                    state = await self.connect(person, _auth(person, code))
                    resume.append(time.monotonic() - ready)
                    return state
                except Exception:  # noqa: BLE001
                    await asyncio.sleep(0.5)
            failures += 1

        cpu_before = self.server.cpu_seconds()
        states = await asyncio.gather(*(reconnect(p) for p in people))
        resume_cpu = self.server.cpu_seconds() - cpu_before
        stored = self.stored(prompt["id"])
        lost = self.lost(people, stored)

        # Writes that got no ack are sent again, as the participant page's outbox does.
        retried, duplicated = 0, 0
        for person in people:
            for kind, payload, acked in person.sent:
                if acked or person.client is None:
                    continue
                retried += 1
                ack = await person.client.emit(kind, payload)
                if kind == "submit_position" and ack.get("ok"):
                    rows = stored["positions"].get((person.participant_id, payload["client_id"]))
                    if rows is not None and rows != ack["position_id"]:
                        duplicated += 1
        after = self.stored(prompt["id"])
        duplicated += after["duplicate_rows"]
        for person in people:
            if person.client:
                await person.client.close()
        for session in self.sessions.values():
            await session.close()
        self.server.stop()
        acked = sum(1 for p in people for e in p.sent if e[2])
        return {
            "participants": len(people), "positions_before": s.positions,
            "positions_in_state": percentile([len(st["positions"]) for st in states if st], 50),
            "acked": acked, "unacked": sum(1 for p in people for e in p.sent if not e[2]),
            "lost": lost, "retried": retried, "duplicated": duplicated,
            "resumed": len(resume), "resume_failures": failures,
            "resume_p50": percentile(resume, 50), "resume_p95": percentile(resume, 95),
            "resume_max": max(resume) if resume else None, "resume_server_cpu": resume_cpu,
        }

    def stored(self, prompt_id: int) -> dict:
        """What the database holds now: votes, reactions and positions by participant."""
        engine = create_engine(self.database_url)
        with engine.connect() as conn:
            votes: dict = {}
            for participant, option in conn.execute(text(
                    "SELECT v.participant_id, c.option_id FROM votes v JOIN vote_choices c ON c.vote_id = v.id "
                    "WHERE v.prompt_id = :p"), {"p": prompt_id}):
                votes.setdefault(participant, set()).add(option)
            reactions = {(participant, position): value for participant, position, value in conn.execute(
                text("SELECT participant_id, position_id, value FROM reactions"))}
            positions = {(participant, client_id): pid for participant, client_id, pid in conn.execute(
                text("SELECT participant_id, client_id, id FROM positions"))}
            duplicates = conn.execute(text(
                "SELECT count(*) - count(DISTINCT participant_id || ':' || client_id) FROM positions")).scalar()
        engine.dispose()
        return {"votes": votes, "reactions": reactions, "positions": positions, "duplicate_rows": duplicates}

    @staticmethod
    def lost(people: list[Person], stored: dict) -> int:
        """Acknowledged writes the database does not hold (nor a later write superseding them)."""
        lost = 0
        for person in people:
            for i, (kind, payload, acked) in enumerate(person.sent):
                if not acked:
                    continue
                later = person.sent[i + 1:]
                if kind == "submit_position":
                    lost += (person.participant_id, payload["client_id"]) not in stored["positions"]
                elif kind == "cast_vote":
                    allowed = [set(payload["option_ids"])] + [set(p["option_ids"]) for k, p, _ in later
                                                              if k == "cast_vote"]
                    lost += stored["votes"].get(person.participant_id) not in allowed
                else:
                    key = (person.participant_id, payload["position_id"])
                    allowed = [payload["value"]] + [p["value"] for k, p, _ in later
                                                    if k == "react" and p["position_id"] == payload["position_id"]]
                    lost += stored["reactions"].get(key) not in allowed
        return lost


def run_drill(settings: DrillSettings) -> dict:
    raise_nofile()
    with tempfile.TemporaryDirectory(prefix="facilitator-drill-") as tmp:
        drill = Drill(settings, Path(tmp))
        try:
            return asyncio.run(drill.run())
        finally:
            if drill.server is not None:
                drill.server.stop()


def lines(report: dict) -> list[str]:
    def ms(value):
        return "—" if value is None else f"{value:.2f} s"

    return [
        f"participants: {report['participants']}, positions before the burst: {report['positions_before']}",
        f"writes acknowledged before the kill: {report['acked']}, without an ack: {report['unacked']}",
        f"acknowledged writes lost: {report['lost']}",
        f"writes sent again after the restart: {report['retried']}, duplicated: {report['duplicated']}",
        f"resumed: {report['resumed']} of {report['participants']} (failed: {report['resume_failures']}); "
        f"state received p50 {ms(report['resume_p50'])}, p95 {ms(report['resume_p95'])}, "
        f"max {ms(report['resume_max'])} after the restarted server answered "
        f"(server CPU for the whole resume: {report['resume_server_cpu']:.1f} s)",
        f"positions in each resumed state (median): {report['positions_in_state']}",
    ]
