"""The benchmark coordinator: servers, load-generator processes, phases, figures."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from .client import LiveClient
from .loadgen import Participant, raise_nofile, worker
from .servers import ServerProcess, facilitator_command, free_port


@dataclass
class Settings:
    participants: int = 2000
    processes: int = 2
    quick: bool = False
    url: str | None = None
    code: str | None = None
    moderator_token: str | None = None
    database_url: str | None = None
    async_mode: str = "gevent"
    bare: bool = True
    vote_window: float = 10.0
    positions: int = 500
    reactions_each: int = 10
    reaction_window: float | None = None
    hands: int | None = None  # the floor burst: hands raised during a vote burst (0: none)
    server_processes: int = 1  # `facilitator serve --workers N`
    message_queue: str | None = None  # needed by several server processes
    connect_concurrency: int = 100
    say: object = print

    def __post_init__(self):
        if self.quick:
            self.vote_window = min(self.vote_window, 3.0)
            self.positions = min(self.positions, 50)
            self.reactions_each = min(self.reactions_each, 3)
        self.positions = min(self.positions, self.participants)
        if self.hands is None:
            self.hands = 50 if self.quick else 500
        self.hands = min(self.hands, self.participants)
        if self.reaction_window is None:
            # About 1,000 reactions a second at most, never under 10 s (3 s when quick).
            floor = 3.0 if self.quick else 10.0
            self.reaction_window = max(floor, self.participants * self.reactions_each / 1000)


@dataclass
class Target:
    """What one run measures against: a Facilitator server or the bare stack."""

    name: str
    url: str
    code: str
    moderator_token: str
    prompt_id: int
    option_ids: list[int]
    server: ServerProcess | None = None
    database_url: str | None = None
    urls: list[str] = field(default_factory=list)  # every server process; participant i uses urls[i % n]
    full: bool = True  # positions and reactions too
    figures: dict = field(default_factory=dict)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class Workers:
    """K load-generator processes, each with a shard of the participants."""

    def __init__(self, target: Target, settings: Settings):
        ctx = multiprocessing.get_context("spawn")
        loopback = target.url.startswith(("http://127.", "http://localhost"))
        self.pipes = []
        self.processes = []
        for k in range(settings.processes):
            indices = list(range(k, settings.participants, settings.processes))
            parent, child = ctx.Pipe()
            process = ctx.Process(target=worker, args=(child, target.urls or [target.url], target.code, indices,
                                                       loopback, 1000 + k), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)

    async def ask(self, command: str, wait: float, **kwargs) -> list[dict]:
        loop = asyncio.get_running_loop()
        for pipe in self.pipes:
            pipe.send((command, kwargs))

        async def answer(pipe):
            readable = loop.create_future()
            loop.add_reader(pipe.fileno(), lambda: readable.done() or readable.set_result(None))
            try:
                await asyncio.wait_for(readable, wait)
            except asyncio.TimeoutError:
                raise TimeoutError(f"load generator did not finish {command} within {wait:.0f} s") from None
            finally:
                loop.remove_reader(pipe.fileno())
            return pipe.recv()

        return await asyncio.gather(*(answer(p) for p in self.pipes))

    def close(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("close", {}))
            except OSError:
                pass
        for process in self.processes:
            process.join(15)
            if process.is_alive():
                process.terminate()
                process.join(5)


def merge(replies: list[dict]) -> dict:
    errors: Counter = Counter()
    latencies: list[float] = []
    for reply in replies:
        errors.update(reply.get("errors", {}))
        latencies.extend(reply.get("latencies", []))
    return {"latencies": latencies, "errors": dict(errors), "ok": len(latencies),
            "last_ack": max((r.get("last_ack", 0.0) for r in replies), default=0.0)}


def summarize_acks(phase: dict) -> dict:
    lat = phase["latencies"]
    return {"ok": phase["ok"], "errors": sum(phase["errors"].values()), "error_kinds": phase["errors"],
            "p50": percentile(lat, 50), "p95": percentile(lat, 95), "p99": percentile(lat, 99),
            "max": max(lat) if lat else None}


async def run_target(target: Target, settings: Settings) -> dict:
    say = settings.say
    fig = target.figures
    server = target.server
    n = settings.participants
    workers = Workers(target, settings)
    session = aiohttp.ClientSession()
    moderator = Participant(-1, LiveClient(session, target.url))
    try:
        if server:
            fig["rss_idle_mib"] = server.memory_kib() / 1024
            cpu_start = server.cpu_seconds()
        await moderator.client.connect({"workshop": target.code, "moderator_token": target.moderator_token})

        say(f"[{target.name}] connecting {n} participants over {settings.processes} processes ...")
        started = time.monotonic()
        ready = await workers.ask("connect", wait=60 + n / 20, concurrency=settings.connect_concurrency)
        fig["connect_seconds"] = time.monotonic() - started
        fig["ready"] = sum(r["ready"] for r in ready)
        join_errors: Counter = Counter()
        for r in ready:
            join_errors.update(r["errors"])
        fig["join_errors"] = dict(join_errors)
        fig["join_p95"] = percentile([x for r in ready for x in r["latencies"]], 95)
        if server:
            await asyncio.sleep(1)
            fig["rss_connected_mib"] = server.memory_kib() / 1024
            fig["kib_per_connection"] = ((fig["rss_connected_mib"] - fig["rss_idle_mib"]) * 1024
                                         / max(fig["ready"], 1))
        say(f"[{target.name}] {fig['ready']}/{n} ready in {fig['connect_seconds']:.1f} s"
            + (f" (failed: {dict(join_errors)})" if join_errors else ""))

        for event, payload in (("open_prompt", {"prompt_id": target.prompt_id}),
                               ("show_results", {"prompt_id": target.prompt_id, "visible": True})):
            ack = await moderator.client.emit(event, payload)
            if not ack or not ack.get("ok"):
                raise RuntimeError(f"{event} refused: {ack}")
        await asyncio.sleep(0.5)

        # Vote burst.
        say(f"[{target.name}] vote burst: {fig['ready']} votes within {settings.vote_window:.0f} s ...")
        cpu_before = server.cpu_seconds() if server else None
        start = time.monotonic() + 0.5
        replies = await workers.ask("votes", wait=settings.vote_window + 120, prompt_id=target.prompt_id,
                                    option_ids=target.option_ids, start=start, window=settings.vote_window,
                                    timeout=90)
        votes = merge(replies)
        chosen: Counter = Counter()
        for r in replies:
            chosen.update({int(k): v for k, v in r["chosen"].items()})
        expected = (votes["ok"], tuple(chosen[o] for o in target.option_ids))
        fig["votes"] = summarize_acks(votes)
        deadline = votes["last_ack"] + 10
        finals = await workers.ask("final_figures", wait=30, expected=expected, deadline=deadline)
        while moderator.figures != expected and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        clients = sum(f["clients"] for f in finals) + 1
        with_final = sum(f["with_final"] for f in finals) + (moderator.figures == expected)
        last_seen = max([f["final_since"] for f in finals] + [moderator.figures_since])
        fig["clients"] = clients
        fig["clients_with_final"] = with_final
        fig["final_lag"] = (last_seen - votes["last_ack"]) if with_final == clients else None
        fig["results_messages"] = sum(f["results_messages"] for f in finals)
        fig["wrong_figures"] = [w for f in finals for w in f["wrong"]]
        if server:
            fig["vote_cpu"] = server.cpu_seconds() - cpu_before
        say(f"[{target.name}] votes: {votes['ok']} ok, p95 {fmt_ms(fig['votes']['p95'])}, "
            f"final tally at {with_final}/{clients} clients, lag {fmt_s(fig['final_lag'])}")

        if target.full and settings.hands:
            await floor_burst(target, settings, workers, moderator)

        if target.full:
            say(f"[{target.name}] position burst: {settings.positions} positions ...")
            start = time.monotonic() + 0.5
            replies = await workers.ask("positions", wait=150, prompt_id=target.prompt_id,
                                        below=settings.positions, start=start, window=5.0, timeout=90)
            positions = merge(replies)
            position_ids = [pid for r in replies for pid in r["position_ids"]]
            fig["positions"] = summarize_acks(positions)
            reactions_total = fig["ready"] * min(settings.reactions_each, max(len(position_ids) - 1, 0))
            say(f"[{target.name}] reaction burst: about {reactions_total} reactions "
                f"over {settings.reaction_window:.0f} s ...")
            start = time.monotonic() + 0.5
            replies = await workers.ask("reactions", wait=settings.reaction_window + 300,
                                        position_ids=position_ids, each=settings.reactions_each, start=start,
                                        window=settings.reaction_window, timeout=120)
            reactions = merge(replies)
            fig["reactions"] = summarize_acks(reactions)
            fig["reactions"]["distinct"] = sum(r["distinct"] for r in replies)
            fig["reaction_seconds"] = reactions["last_ack"] - start if reactions["ok"] else None
            if target.database_url:
                fig["stored"] = stored_counts(target.database_url, target.prompt_id)
                fig["lost"] = {
                    "votes": votes["ok"] - fig["stored"]["votes"],
                    "positions": positions["ok"] - fig["stored"]["positions"],
                    "reactions": fig["reactions"]["distinct"] - fig["stored"]["reactions"],
                }
                tally: Counter = Counter()
                for reply in await workers.ask("vote_tally", wait=30):
                    tally.update({int(k): v for k, v in reply.items()})
                fig["stored_tally_matches"] = fig["stored"]["tally"] == dict(tally)
        if server:
            fig["cpu_total"] = server.cpu_seconds() - cpu_start
            fig["rss_peak_mib"] = server.memory_kib("VmHWM") / 1024
    finally:
        await moderator.client.close()
        await session.close()
        workers.close()
    return fig


async def floor_burst(target: Target, settings: Settings, workers: Workers, moderator: Participant) -> None:
    """Two more vote bursts (everyone changes their vote): one alone, one while `hands` participants
    ask for the floor within the same window and the moderator calls a speaker every 2 s. The
    ratio of their vote p95 is the floor's cost to voting; the floor is broadcast coalesced."""
    say, fig, window = settings.say, target.figures, settings.vote_window
    say(f"[{target.name}] re-vote burst without the floor ...")
    start = time.monotonic() + 0.5
    replies = await workers.ask("votes", wait=window + 120, prompt_id=target.prompt_id,
                                option_ids=target.option_ids, start=start, window=window, timeout=90)
    fig["revotes"] = summarize_acks(merge(replies))
    ack = await moderator.client.emit("set_floor", {"open": True, "speaking_seconds": 120})
    if not ack or not ack.get("ok"):
        raise RuntimeError(f"set_floor refused: {ack}")
    queue: list[int] = []
    floor_seen = {"messages": 0}

    def on_floor(arrived, payload):
        floor_seen["messages"] += 1
        queue[:] = [hand["id"] for hand in payload.get("queue", [])]

    moderator.client.on("floor", on_floor)
    await asyncio.sleep(0.5)
    await workers.ask("reset_floor_counts", wait=30)
    say(f"[{target.name}] floor burst: {settings.hands} hands raised during a re-vote burst of "
        f"{fig['ready']} within {window:.0f} s ...")
    start = time.monotonic() + 0.5
    called = 0

    async def chair():
        nonlocal called
        await asyncio.sleep(0.5)
        while time.monotonic() < start + window:
            await asyncio.sleep(2.0)
            if queue:
                done = await moderator.client.emit("call_speaker", {"hand_id": queue[0]})
                called += bool(done and done.get("ok"))

    chairing = asyncio.create_task(chair())
    replies = await workers.ask("votes_and_hands", wait=window + 120, prompt_id=target.prompt_id,
                                option_ids=target.option_ids, start=start, window=window, hands=settings.hands,
                                timeout=90)
    await chairing
    ended = time.monotonic()
    await asyncio.sleep(1.0)  # the last coalesced floor
    counts = await workers.ask("get_floor_counts", wait=30)
    fig["floor_votes"] = summarize_acks(merge([r["votes"] for r in replies]))
    fig["hands"] = summarize_acks(merge([r["hands"] for r in replies]))
    fig["hands"]["called"] = called
    seconds = ended - start
    fig["floor_messages"] = {
        "per_client": sum(c["total"] for c in counts) / max(sum(c["clients"] for c in counts), 1),
        "max_per_client": max(c["max"] for c in counts),
        "seconds": seconds,
        "sent_if_per_hand": settings.hands + called,
    }
    say(f"[{target.name}] re-votes p95 {fmt_ms(fig['revotes']['p95'])} alone, "
        f"{fmt_ms(fig['floor_votes']['p95'])} with the floor; hands {fig['hands']['ok']} ok, "
        f"p95 {fmt_ms(fig['hands']['p95'])}; floor messages per client {fig['floor_messages']['per_client']:.1f}")


def stored_counts(database_url: str, prompt_id: int) -> dict:
    """Read back what the database holds for the prompt."""
    from sqlalchemy import create_engine, text

    url = database_url
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            one = lambda sql: conn.execute(text(sql), {"p": prompt_id}).scalar_one()  # noqa: E731
            tally = dict(conn.execute(text(
                "SELECT option_id, count(*) FROM vote_choices WHERE prompt_id = :p GROUP BY option_id"),
                {"p": prompt_id}).all())
            return {
                "votes": one("SELECT count(*) FROM votes WHERE prompt_id = :p"),
                "positions": one("SELECT count(*) FROM positions WHERE prompt_id = :p"),
                "reactions": one("SELECT count(*) FROM reactions r JOIN positions p ON p.id = r.position_id "
                                 "WHERE p.prompt_id = :p"),
                "tally": {int(k): v for k, v in tally.items()},
            }
    finally:
        engine.dispose()


def create_workshop(env: dict) -> dict:
    out = subprocess.run(facilitator_command() + ["create-workshop", "--title", "Benchmark round table",
                                                  "--template", "igf-ai-copyright", "--json"],
                         env=env, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value * 1000:.0f} ms"


def fmt_s(value) -> str:
    return "—" if value is None else f"{value:.2f} s"


def run(settings: Settings) -> dict:
    """Run the whole benchmark; return every figure (the CLI prints the table)."""
    raise_nofile()
    signal.signal(signal.SIGTERM, _interrupted)  # stop the servers and workers on the way out
    say = settings.say
    report: dict = {"participants": settings.participants, "processes": settings.processes,
                    "server_processes": settings.server_processes}
    with tempfile.TemporaryDirectory(prefix="facilitator-bench-") as tmp:
        tmp = Path(tmp)
        server = None
        try:
            if settings.url:
                if not (settings.code and settings.moderator_token):
                    raise SystemExit("--url needs --code and --moderator-token")
                target = Target("facilitator", settings.url, settings.code, settings.moderator_token, 0, [],
                                database_url=settings.database_url)
                prompt = None
            else:
                n = settings.server_processes
                if n > 1 and not (settings.message_queue and (settings.database_url or "").startswith("postgres")):
                    raise SystemExit("--server-processes needs --message-queue (a Redis URL) and "
                                     "--database-url (PostgreSQL)")
                port = free_port(n)
                database_url = settings.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
                env = dict(os.environ, FACILITATOR_DATABASE_URL=database_url,
                           FACILITATOR_SECRET_KEY=secrets.token_hex(16), FACILITATOR_ASYNC_MODE=settings.async_mode,
                           FACILITATOR_PUBLIC_URL=f"http://127.0.0.1:{port}",
                           FACILITATOR_INSTANCE_PATH=str(tmp / "instance"))
                env.pop("FACILITATOR_MESSAGE_QUEUE", None)
                if settings.message_queue:
                    env["FACILITATOR_MESSAGE_QUEUE"] = settings.message_queue
                command = facilitator_command() + ["serve", "--port", str(port)]
                if n > 1:
                    command += ["--workers", str(n)]
                say(f"starting facilitator serve ({settings.async_mode}, {n} process{'es' if n > 1 else ''}) "
                    f"on port {port}{f'–{port + n - 1}' if n > 1 else ''} with {database_url}")
                server = ServerProcess("facilitator", command, env, port, tmp / "facilitator.log")
                urls = [f"http://127.0.0.1:{port + i}" for i in range(n)]
                for url in urls:
                    server.url = url
                    server.wait_ready("/healthz")
                server.url = urls[0]
                workshop = create_workshop(env)
                prompt = workshop["prompts"][0]
                target = Target("facilitator", server.url, workshop["code"], workshop["moderator_token"],
                                prompt["id"], [o["id"] for o in prompt["options"]], server=server,
                                database_url=database_url, urls=urls)
            if prompt is None:
                prompt = fetch_first_prompt(target)
                target.prompt_id = prompt["id"]
                target.option_ids = [o["id"] for o in prompt["options"]]
            report["facilitator"] = asyncio.run(run_target(target, settings))
            if server:
                report["facilitator"]["locked_errors"] = server.log_count("database is locked")
                report["facilitator"]["tracebacks"] = server.log_count("Traceback")
        finally:
            if server:
                server.stop()
        if settings.bare:
            port = free_port()
            bare = ServerProcess("bare", [sys.executable, "-m", "facilitator.bench.bare", "--port", str(port)],
                                 dict(os.environ), port, tmp / "bare.log")
            try:
                bare.wait_ready("/socket.io/?EIO=4&transport=polling")
                target = Target("bare", bare.url, "BARE", "bare", 1, [1, 2, 3], server=bare, full=False)
                report["bare"] = asyncio.run(run_target(target, settings))
            finally:
                bare.stop()
    return report


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def fetch_first_prompt(target: Target) -> dict:
    async def fetch():
        async with aiohttp.ClientSession() as session:
            client = LiveClient(session, target.url)
            got: asyncio.Future = asyncio.get_running_loop().create_future()
            client.on("state", lambda arrived, state: got.done() or got.set_result(state))
            await client.connect({"workshop": target.code, "moderator_token": target.moderator_token})
            state = await asyncio.wait_for(got, 30)
            await client.close()
            return sorted(state["prompts"], key=lambda p: p["order"])[0]

    return asyncio.run(fetch())


def table(report: dict) -> str:
    """The printed table: Facilitator, the bare stack, and their ratio."""
    fac = report.get("facilitator", {})
    bare = report.get("bare", {})

    def get(fig, *path):
        for key in path:
            if not isinstance(fig, dict) or key not in fig:
                return None
            fig = fig[key]
        return fig

    def ratio(a, b):
        return f"{a / b:.2f}×" if a is not None and b else ""

    rows = []

    def row(label, path, fmt, with_ratio=False):
        a, b = get(fac, *path), get(bare, *path)
        rows.append((label, fmt(a), fmt(b) if bare else "", ratio(a, b) if with_ratio and bare else ""))

    n = report["participants"]
    count = lambda v: "—" if v is None else f"{v}"  # noqa: E731
    mib = lambda v: "—" if v is None else f"{v:.0f} MiB"  # noqa: E731
    row("participants ready", ("ready",), lambda v: "—" if v is None else f"{v}/{n}")
    row("connect + join, all (s)", ("connect_seconds",), fmt_s)
    row("vote acks ok", ("votes", "ok"), count)
    row("vote ack errors", ("votes", "errors"), count)
    for q in ("p50", "p95", "p99"):
        row(f"vote ack {q}", ("votes", q), fmt_ms, with_ratio=True)
    row("last vote → final tally at every client", ("final_lag",), fmt_s, with_ratio=True)
    row("clients with the final tally", ("clients_with_final",), count)
    row("results messages received", ("results_messages",), count)
    row("server CPU during vote burst", ("vote_cpu",), lambda v: "—" if v is None else f"{v:.1f} s",
        with_ratio=True)
    if fac.get("floor_votes"):
        alone, floor = get(fac, "revotes", "p95"), get(fac, "floor_votes", "p95")
        rows.append(("re-vote ack p95: alone / with the floor burst", f"{fmt_ms(alone)} / {fmt_ms(floor)}", "",
                     ratio(floor, alone)))
        rows.append(("re-vote ack p50: alone / with the floor burst",
                     f"{fmt_ms(get(fac, 'revotes', 'p50'))} / {fmt_ms(get(fac, 'floor_votes', 'p50'))}", "",
                     ratio(get(fac, "floor_votes", "p50"), get(fac, "revotes", "p50"))))
        rows.append(("re-vote errors: alone / with the floor burst",
                     f"{get(fac, 'revotes', 'errors')} / {get(fac, 'floor_votes', 'errors')}", "", ""))
        hands = fac["hands"]
        rows.append(("raise_hand acks ok / errors (p95)",
                     f"{hands['ok']} / {hands['errors']} ({fmt_ms(hands['p95'])})", "", ""))
        msgs = fac["floor_messages"]
        rows.append(("floor messages per client (max)",
                     f"{msgs['per_client']:.1f} ({msgs['max_per_client']}) in {msgs['seconds']:.0f} s; "
                     f"{msgs['sent_if_per_hand']} if sent per change", "", ""))
    row("position acks ok / errors", ("positions",), lambda v: "—" if v is None else f"{v['ok']} / {v['errors']}")
    row("position ack p95", ("positions", "p95"), fmt_ms)
    row("reaction acks ok / errors", ("reactions",), lambda v: "—" if v is None else f"{v['ok']} / {v['errors']}")
    row("reaction ack p50 / p95", ("reactions",),
        lambda v: "—" if v is None else f"{fmt_ms(v['p50'])} / {fmt_ms(v['p95'])}")
    row("reaction burst duration", ("reaction_seconds",), fmt_s)
    lost = fac.get("lost")
    if lost is None:
        rows.append(("writes lost", "n/a (no database)", "", ""))
    else:
        gone = {k: max(v, 0) for k, v in lost.items()}
        rows.append(("writes lost", f"{sum(gone.values())} (votes {gone['votes']}, positions {gone['positions']}, "
                     f"reactions {gone['reactions']})", "", ""))
        unacked = {k: -v for k, v in lost.items() if v < 0}
        if unacked:
            rows.append(("stored, but the ack never arrived", str(unacked), "", ""))
    row("stored tally = acked choices", ("stored_tally_matches",), lambda v: "—" if v is None else str(v))
    row("'database is locked' in server log", ("locked_errors",), count)
    row("server CPU, whole run", ("cpu_total",), lambda v: "—" if v is None else f"{v:.1f} s")
    rows.append(("server RSS idle / connected",
                 *(f"{mib(f.get('rss_idle_mib'))} / {mib(f.get('rss_connected_mib'))}" if f else ""
                   for f in (fac, bare)), ""))
    row("server RSS peak", ("rss_peak_mib",), mib, with_ratio=True)
    row("RSS per connection", ("kib_per_connection",), lambda v: "—" if v is None else f"{v:.0f} KiB",
        with_ratio=True)
    width = max(len(r[0]) for r in rows)
    cols = [max(len("Facilitator"), *(len(r[1]) for r in rows)), max(len("bare"), *(len(r[2]) for r in rows))]
    lines = [f"{'':<{width}}  {'Facilitator':<{cols[0]}}  {'bare':<{cols[1]}}  ratio",
             "-" * (width + cols[0] + cols[1] + 13)]
    lines += [f"{a:<{width}}  {b:<{cols[0]}}  {c:<{cols[1]}}  {d}" for a, b, c, d in rows]
    for name, fig in (("Facilitator", fac), ("bare", bare)):
        for key in ("join_errors",):
            if fig.get(key):
                lines.append(f"{name} join errors: {fig[key]}")
        for phase in ("votes", "revotes", "floor_votes", "hands", "positions", "reactions"):
            kinds = get(fig, phase, "error_kinds")
            if kinds:
                lines.append(f"{name} {phase} errors: {kinds}")
        if fig.get("wrong_figures"):
            lines.append(f"{name} clients without the final tally saw: {fig['wrong_figures'][:3]}")
    return "\n".join(lines)

