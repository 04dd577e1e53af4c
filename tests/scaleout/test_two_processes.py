"""Two `facilitator serve` processes on one PostgreSQL database and one Redis message queue."""

from __future__ import annotations

import json
import threading
import time

import pytest
import socketio
from sqlalchemy import create_engine, text

from .conftest import REDIS_URL, create_workshop, driver_url, needs_servers, run_cli, server_env

pytestmark = [pytest.mark.scaleout, needs_servers]

NS = "/live"


class Live:
    """A python-socketio client that keeps every `results` it receives."""

    def __init__(self, url: str, auth: dict):
        self.client = socketio.Client(reconnection=False)
        self.results: list[dict] = []
        self.lock = threading.Lock()
        self.client.on("results", self._on_results, namespace=NS)
        self.client.connect(url, auth=auth, namespaces=[NS], transports=["websocket"], wait_timeout=20)

    def _on_results(self, payload):
        with self.lock:
            self.results.append(payload)

    def call(self, event: str, payload: dict) -> dict:
        ack = self.client.call(event, payload, namespace=NS, timeout=20)
        assert ack["ok"], (event, ack)
        return ack

    def newest(self) -> dict | None:
        """What a client shows: the figures with the highest version."""
        with self.lock:
            return max(self.results, key=lambda r: r["version"], default=None)

    def wait_for(self, predicate, timeout: float = 15) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            newest = self.newest()
            if newest is not None and predicate(newest):
                return newest
            time.sleep(0.05)
        raise AssertionError(f"no matching results within {timeout} s; newest: {self.newest()}")

    def close(self):
        self.client.disconnect()


def figures(results: dict) -> dict:
    return {"votes_total": results["votes_total"], "voters": results["voters"],
            "options": {o["id"]: (o["count"], o["onsite"], o["online"]) for o in results["options"]}}


def test_votes_cross_processes_and_the_export_equals_the_live_figures(pg_database, serve, tmp_path):
    env = server_env(pg_database, REDIS_URL, tmp_path / "instance")
    a = serve(env, "a")  # starts first: it brings the schema up to date
    b = serve(env, "b")
    workshop = create_workshop(env)
    code, prompt = workshop["code"], workshop["prompts"][0]
    options = [o["id"] for o in prompt["options"]]
    clients: list[Live] = []
    try:
        moderator = Live(a.url, {"workshop": code, "moderator_token": workshop["moderator_token"]})
        clients.append(moderator)
        moderator.call("open_prompt", {"prompt_id": prompt["id"]})
        moderator.call("show_results", {"prompt_id": prompt["id"], "visible": True})

        def participant(server, attendance):
            live = Live(server.url, {"workshop": code})
            clients.append(live)
            live.call("join", {"attendance": attendance})
            return live

        watcher = participant(a, "online")
        voter = participant(b, "onsite")
        # A vote acknowledged by process B reaches clients of process A.
        voter.call("cast_vote", {"prompt_id": prompt["id"], "option_ids": [options[0]]})
        for live in (moderator, watcher):
            got = live.wait_for(lambda r: r["votes_total"] == 1)
            assert got["prompt_id"] == prompt["id"]
            assert {o["id"]: o["count"] for o in got["options"]}[options[0]] == 1
            assert got["voters"] == {"onsite": 1, "online": 0}

        # Several participants split over both processes, one of them changing their vote.
        crowd = [participant(server, attendance)
                 for server in (a, b) for attendance in ("onsite", "online", "onsite")]
        for i, live in enumerate(crowd):
            live.call("cast_vote", {"prompt_id": prompt["id"], "option_ids": [options[i % len(options)]]})
        watcher.call("cast_vote", {"prompt_id": prompt["id"], "option_ids": [options[1]]})
        crowd[0].call("cast_vote", {"prompt_id": prompt["id"], "option_ids": [options[2]]})  # replaces

        expected_counts = {o: 0 for o in options}
        expected_counts[options[0]] += 1  # voter
        expected_counts[options[1]] += 1  # watcher
        for i, _ in enumerate(crowd):
            expected_counts[options[2] if i == 0 else options[i % len(options)]] += 1
        total = 2 + len(crowd)
        for live in clients:
            live.wait_for(lambda r: r["votes_total"] == total
                          and {o["id"]: o["count"] for o in r["options"]} == expected_counts)

        # Every client keeps the figures with the highest version, and they agree everywhere.
        time.sleep(1)  # let any slower process's late tick arrive; it must not win
        finals = [figures(live.newest()) for live in clients]
        assert all(f == finals[0] for f in finals)
        engine = create_engine(driver_url(pg_database))
        with engine.connect() as conn:
            version = conn.execute(text("SELECT results_version FROM prompts WHERE id = :p"),
                                   {"p": prompt["id"]}).scalar_one()
        engine.dispose()
        assert version >= total + 1  # every stored change bumped it (the replaced vote too)
        assert all(live.newest()["version"] == version for live in clients)
        for live in clients:  # versions only grow from each process, and the newest is the final one
            versions = [r["version"] for r in live.results]
            assert max(versions) == version
            assert [figures(r) for r in live.results if r["version"] == version][-1] == finals[0]

        # The export, read from PostgreSQL by another process, equals the live figures.
        exported = export_figures(env, code, prompt["id"])
        assert exported == finals[0]
    finally:
        for live in clients:
            live.close()


def export_figures(env: dict, code: str, prompt_id: int) -> dict:
    out = run_cli(env, "export", code, "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    item = next(p for p in data["prompts"] if p["id"] == prompt_id)
    return {"votes_total": item["votes_total"], "voters": item["voters"],
            "options": {o["id"]: (o["count"], o["onsite"], o["online"]) for o in item["options"]}}


def test_serve_workers_runs_supervised_processes_that_share_one_workshop(pg_database, tmp_path):
    """`facilitator serve --workers 2`: two processes on PORT and PORT+1, sharing the database and
    the message queue; a worker that dies is started again; stopping the supervisor stops all."""
    import os
    import signal

    from facilitator.bench.servers import ServerProcess, facilitator_command, free_port

    env = server_env(pg_database, REDIS_URL, tmp_path / "instance")
    port = free_port(2)
    server = ServerProcess("workers", facilitator_command() + ["serve", "--workers", "2", "--port", str(port)],
                           env, port, tmp_path / "workers.log")
    clients: list[Live] = []
    try:
        for p in (port, port + 1):
            server.url = f"http://127.0.0.1:{p}"
            server.wait_ready("/healthz", timeout=60)
        assert "hash $remote_addr consistent;" in server.log_path.read_text()
        workers = server.pids()[1:]
        assert len(workers) == 2
        workshop = create_workshop(env)
        code, prompt = workshop["code"], workshop["prompts"][0]
        moderator = Live(f"http://127.0.0.1:{port}", {"workshop": code, "moderator_token": workshop["moderator_token"]})
        clients.append(moderator)
        moderator.call("open_prompt", {"prompt_id": prompt["id"]})
        voter = Live(f"http://127.0.0.1:{port + 1}", {"workshop": code})
        clients.append(voter)
        voter.call("join", {"attendance": "online"})
        voter.call("cast_vote", {"prompt_id": prompt["id"], "option_ids": [prompt["options"][0]["id"]]})
        moderator.wait_for(lambda r: r["votes_total"] == 1)  # through the other process

        os.kill(workers[0], signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (workers[0] in server.pids() or len(server.pids()) < 3):
            time.sleep(0.2)
        assert len(server.pids()) == 3 and workers[0] not in server.pids(), server.log_tail()
        server.url = f"http://127.0.0.1:{port}"
        server.wait_ready("/healthz", timeout=60)  # the new worker answers on the same port
    finally:
        for live in clients:
            live.close()
        survivors = server.pids()[1:]
        server.stop(timeout=20)
    for pid in survivors:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
