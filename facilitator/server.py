"""Serving: gevent with websockets and TCP_NODELAY by default, threading for debugging."""

from __future__ import annotations

import errno
import gc
import os
import socket

from flask import Flask

from .extensions import socketio


class CannotListen(Exception):
    """The address cannot be listened on (busy port, no permission); the message says why."""


def listen(host: str, port: int) -> socket.socket:
    """Bind and listen on host:port, or raise CannotListen with a sentence for the organizer."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(4096)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise CannotListen(f"port {port} on {host} is already in use (another Facilitator or "
                               f"program?); stop it or choose another port with --port") from None
        if exc.errno == errno.EACCES:
            raise CannotListen(f"no permission to listen on port {port}; use a port above 1023 "
                               f"or put a reverse proxy in front") from None
        raise CannotListen(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return listener


def run(app: Flask, listener: socket.socket, announce=print) -> None:
    """Serve the app on a bound listener until interrupted."""
    # Inside a Flask CLI command socketio.run() would silently return.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    mode = socketio.server.async_mode if socketio.server else "threading"
    host, port = listener.getsockname()[:2]
    app.logger.info("Facilitator serving on http://%s:%s (%s)", host, port, mode)
    announce(f"Facilitator serving on http://{host}:{port} ({mode})")
    if mode == "gevent":
        serve_gevent(app, listener)
    else:
        listener.close()  # werkzeug binds again; the port was just free
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                     use_reloader=False, log_output=False)


#: Python's cyclic garbage collector, tuned for a server holding thousands of connections: a young
#: generation of 50,000 objects instead of 700, so the short-lived objects of one event die by
#: reference counting before a collection can promote them, and the full collections, each a pause
#: of 100-300 ms that scans every object of the process, come rarely (docs/performance.md: with
#: the defaults, eleven of them in a 2,000-participant vote burst made its p95 ack).
GC_THRESHOLDS = (50_000, 20, 10)


def tune_garbage_collector() -> None:
    """Move what start-up made (modules, the app, catalogs) out of the collector's way and
    raise its thresholds (GC_THRESHOLDS)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve_gevent(app: Flask, listener: socket.socket) -> None:
    """gevent pywsgi with the websocket handler and TCP_NODELAY on every accepted socket."""
    from gevent import pywsgi
    from geventwebsocket.handler import WebSocketHandler

    class NoDelayHandler(WebSocketHandler):
        """Disable Nagle on every accepted socket: small acks go out at once."""

        def __init__(self, sock, address, server, rfile=None):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
            super().__init__(sock, address, server, rfile)

        def log_request(self):  # access logs cost CPU on the hot path
            pass

    server = pywsgi.WSGIServer(listener, app, handler_class=NoDelayHandler, log=None)
    tune_garbage_collector()  # the bare reference stack (bench/bare.py) is served the same way
    server.serve_forever()
