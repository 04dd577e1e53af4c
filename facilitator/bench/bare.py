"""The bare reference stack: Flask-SocketIO on gevent, no database, no checks.

It speaks the part of the /live protocol the vote burst uses (connect, join,
open_prompt, show_results, cast_vote, results) and coalesces results every
100 ms, served exactly like Facilitator (gevent pywsgi, websocket handler,
TCP_NODELAY, the garbage collector tuned the same way). Run it as `python -m facilitator.bench.bare --port N`.
"""

from __future__ import annotations

if __name__ == "__main__":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
from collections import Counter  # noqa: E402

from flask import Flask, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

NS = "/live"
OPTIONS = [{"id": i, "label": f"Option {i}"} for i in (1, 2, 3)]


def create_bare_app(interval: float = 0.1) -> tuple[Flask, SocketIO]:
    app = Flask(__name__)
    socketio = SocketIO(app, async_mode="gevent", manage_session=False)
    votes: dict[str, int] = {}  # sid -> option id
    ids = itertools.count(1)
    state = {"version": 0, "dirty": False, "running": False}

    def results() -> dict:
        counts = Counter(votes.values())
        return {"prompt_id": 1, "version": state["version"], "votes_total": len(votes),
                "voters": {"onsite": 0, "online": 0},
                "options": [{**o, "count": counts[o["id"]], "onsite": 0, "online": 0} for o in OPTIONS]}

    def coalesce():
        while True:
            socketio.sleep(interval)
            if state["dirty"]:
                state["dirty"] = False
                socketio.emit("results", results(), to="everyone", namespace=NS)

    @socketio.on("connect", namespace=NS)
    def connect(auth=None):
        join_room("everyone")
        if not state["running"]:
            state["running"] = True
            socketio.start_background_task(coalesce)
        socketio.emit("state", {"prompts": [{"id": 1, "options": OPTIONS}]}, to=request.sid, namespace=NS)

    @socketio.on("join", namespace=NS)
    def join(payload=None):
        return {"ok": True, "participant_id": next(ids), "participant_token": "bare"}

    @socketio.on("open_prompt", namespace=NS)
    def open_prompt(payload=None):
        return {"ok": True}

    @socketio.on("show_results", namespace=NS)
    def show_results(payload=None):
        state["dirty"] = True
        return {"ok": True}

    @socketio.on("cast_vote", namespace=NS)
    def cast_vote(payload=None):
        votes[request.sid] = payload["option_ids"][0]
        state["version"] += 1
        state["dirty"] = True
        return {"ok": True}

    return app, socketio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument("--interval", type=float, default=0.1)
    args = parser.parse_args()
    from ..server import listen, serve_gevent

    app, _ = create_bare_app(args.interval)
    listener = listen(args.host, args.port)
    print(f"bare stack serving on http://{args.host}:{args.port}", flush=True)
    serve_gevent(app, listener)


if __name__ == "__main__":
    main()
