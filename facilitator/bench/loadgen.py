"""One load-generator process: a shard of the simulated participants.

The coordinator (facilitator.bench.runner) sends commands over a pipe; each
command runs one phase for every client of the shard and answers with plain
figures (latencies, error counts, what each client saw), so nothing heavier
than lists of floats crosses process boundaries.
"""

from __future__ import annotations

import asyncio
import random
import resource
import time
from collections import Counter

import aiohttp

from .client import LiveClient

#: Participants per source address (the server allows 300 joins a minute from one address).
JOINS_PER_ADDRESS = 16


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def source_address(index: int, loopback: bool) -> str | None:
    """A distinct loopback source address per few participants, like phones on many networks."""
    if not loopback:
        return None
    group = index // JOINS_PER_ADDRESS
    return f"127.77.{group // 250}.{group % 250 + 1}"


class Participant:
    def __init__(self, index: int, client: LiveClient):
        self.index = index
        self.client = client
        self.participant_id: int | None = None
        self.own_positions: set[int] = set()
        self.version = -1
        self.figures: tuple | None = None
        self.figures_since = 0.0
        self.results_messages = 0
        self.floor_messages = 0
        self.last_vote: int | None = None
        client.on("results", self._on_results)
        client.on("floor", self._on_floor)

    def _on_floor(self, arrived: float, payload: dict) -> None:
        self.floor_messages += 1

    def _on_results(self, arrived: float, payload: dict) -> None:
        self.results_messages += 1
        version = payload.get("version", 0)
        if version <= self.version:
            return
        self.version = version
        figures = (payload["votes_total"], tuple(o["count"] for o in payload["options"]))
        if figures != self.figures:
            self.figures = figures
            self.figures_since = arrived


class Shard:
    def __init__(self, urls: list[str], code: str, indices: list[int], loopback: bool, seed: int):
        self.urls = urls  # several server processes: participant i stays on urls[i % len(urls)]
        self.code = code
        self.indices = indices
        self.loopback = loopback
        self.random = random.Random(seed)
        self.sessions: dict[str | None, aiohttp.ClientSession] = {}
        self.participants: list[Participant] = []

    def _session(self, index: int) -> aiohttp.ClientSession:
        address = source_address(index, self.loopback)
        session = self.sessions.get(address)
        if session is None:
            connector = aiohttp.TCPConnector(limit=0, local_addr=(address, 0) if address else None)
            session = aiohttp.ClientSession(connector=connector)
            self.sessions[address] = session
        return session

    async def connect(self, concurrency: int) -> dict:
        """Connect every participant as a visitor and join, half onsite and half online."""
        gate = asyncio.Semaphore(concurrency)
        errors: Counter = Counter()
        latencies: list[float] = []

        async def one(index: int):
            async with gate:
                client = LiveClient(self._session(index), self.urls[index % len(self.urls)])
                participant = Participant(index, client)
                started = time.monotonic()
                try:
                    await client.connect({"workshop": self.code})
                    ack = await client.emit("join", {"attendance": "onsite" if index % 2 == 0 else "online"})
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors[type(exc).__name__] += 1
                    await client.close()
                    return
                if not ack or not ack.get("ok"):
                    errors[(ack or {}).get("error", {}).get("code", "no ack")] += 1
                    await client.close()
                    return
                latencies.append(time.monotonic() - started)
                participant.participant_id = ack["participant_id"]
                self.participants.append(participant)

        await asyncio.gather(*(one(i) for i in self.indices))
        return {"ready": len(self.participants), "errors": dict(errors), "latencies": latencies}

    async def _timed(self, participant: Participant, event: str, payload: dict, out: dict):
        sent = time.monotonic()
        try:
            ack = await participant.client.emit(event, payload, timeout=out["timeout"])
        except Exception as exc:  # noqa: BLE001
            out["errors"][type(exc).__name__] += 1
            return None
        done = time.monotonic()
        if ack and ack.get("ok"):
            out["latencies"].append(done - sent)
            out["last_ack"] = max(out["last_ack"], done)
            return ack
        out["errors"][(ack or {}).get("error", {}).get("code", "no ack")] += 1
        return None

    def _phase(self, timeout: float) -> dict:
        return {"latencies": [], "errors": Counter(), "last_ack": 0.0, "timeout": timeout}

    @staticmethod
    async def _sleep_until(moment: float) -> None:
        delay = moment - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def votes(self, prompt_id: int, option_ids: list[int], start: float, window: float,
                    timeout: float) -> dict:
        """Every participant votes once at a random moment of the window."""
        out = self._phase(timeout)
        chosen: Counter = Counter()

        async def one(participant: Participant):
            option = self.random.choice(option_ids)
            await self._sleep_until(start + self.random.random() * window)
            if await self._timed(participant, "cast_vote", {"prompt_id": prompt_id, "option_ids": [option]}, out):
                chosen[option] += 1
                participant.last_vote = option

        await asyncio.gather(*(one(p) for p in self.participants))
        return self._report(out, chosen=dict(chosen))

    async def hands(self, below: int, start: float, window: float, timeout: float) -> dict:
        """Participants whose index is below `below` each ask for the floor at a random moment."""
        out = self._phase(timeout)

        async def one(participant: Participant):
            await self._sleep_until(start + self.random.random() * window)
            await self._timed(participant, "raise_hand", {"note": f"Hand {participant.index}"}, out)

        await asyncio.gather(*(one(p) for p in self.participants if p.index < below))
        return self._report(out)

    async def votes_and_hands(self, prompt_id: int, option_ids: list[int], start: float, window: float,
                              hands: int, timeout: float) -> dict:
        """A vote burst with hands going up in the same window (the floor burst)."""
        votes, raised = await asyncio.gather(self.votes(prompt_id, option_ids, start, window, timeout),
                                             self.hands(hands, start, window, timeout))
        return {"votes": votes, "hands": raised}

    def floor_counts(self) -> dict:
        return {"total": sum(p.floor_messages for p in self.participants),
                "max": max((p.floor_messages for p in self.participants), default=0),
                "clients": len(self.participants)}

    async def vote_tally(self) -> dict:
        """Each participant's last acknowledged choice, counted: what the database must hold."""
        return dict(Counter(p.last_vote for p in self.participants if p.last_vote is not None))

    async def reset_floor_counts(self) -> dict:
        for p in self.participants:
            p.floor_messages = 0
        return {}

    async def get_floor_counts(self) -> dict:
        return self.floor_counts()

    async def positions(self, prompt_id: int, below: int, start: float, window: float, timeout: float) -> dict:
        """Participants whose index is below `below` each submit one position."""
        out = self._phase(timeout)
        ids: list[int] = []

        async def one(participant: Participant):
            await self._sleep_until(start + self.random.random() * window)
            payload = {"prompt_id": prompt_id, "client_id": f"bench-{participant.index}",
                       "text": f"Position {participant.index}: machine output needs a human author to be protected."}
            ack = await self._timed(participant, "submit_position", payload, out)
            if ack:
                participant.own_positions.add(ack["position_id"])
                ids.append(ack["position_id"])

        await asyncio.gather(*(one(p) for p in self.participants if p.index < below))
        return self._report(out, position_ids=ids)

    async def reactions(self, position_ids: list[int], each: int, start: float, window: float,
                        timeout: float) -> dict:
        """Each participant reacts `each` times, one after the other, spread over the window."""
        out = self._phase(timeout)
        acked: set = set()
        slot = window / max(each, 1)

        async def one(participant: Participant):
            candidates = [pid for pid in position_ids if pid not in participant.own_positions]
            targets = self.random.sample(candidates, min(each, len(candidates)))
            for k, position_id in enumerate(targets):
                await self._sleep_until(start + (k + self.random.random()) * slot)
                value = self.random.choice(("agree", "disagree", "pass"))
                if await self._timed(participant, "react", {"position_id": position_id, "value": value}, out):
                    acked.add((participant.participant_id, position_id))

        await asyncio.gather(*(one(p) for p in self.participants))
        return self._report(out, distinct=len(acked))

    async def final_figures(self, expected: tuple, deadline: float) -> dict:
        """Wait (until the deadline) for every client to hold the expected figures."""
        while time.monotonic() < deadline:
            if all(p.figures == expected for p in self.participants):
                break
            await asyncio.sleep(0.05)
        have = [p for p in self.participants if p.figures == expected]
        return {
            "clients": len(self.participants),
            "with_final": len(have),
            "final_since": max((p.figures_since for p in have), default=0.0),
            "results_messages": sum(p.results_messages for p in self.participants),
            "wrong": Counter(str(p.figures) for p in self.participants if p.figures != expected).most_common(3),
        }

    async def close(self) -> None:
        await asyncio.gather(*(p.client.close() for p in self.participants), return_exceptions=True)
        for session in self.sessions.values():
            await session.close()

    @staticmethod
    def _report(out: dict, **extra) -> dict:
        return {"latencies": out["latencies"], "errors": dict(out["errors"]), "last_ack": out["last_ack"], **extra}


def worker(conn, urls: list[str], code: str, indices: list[int], loopback: bool, seed: int) -> None:
    """Process entry point: obey the coordinator's commands until `close`."""
    raise_nofile()

    async def main():
        shard = Shard(urls, code, indices, loopback, seed)
        loop = asyncio.get_running_loop()
        try:
            while True:
                command, kwargs = await loop.run_in_executor(None, conn.recv)
                if command == "close":
                    break
                result = await getattr(shard, command)(**kwargs)
                conn.send(result)
        finally:
            await shard.close()
            conn.send({"closed": True})

    asyncio.run(main())
