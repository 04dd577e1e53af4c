"""Serving: gevent with websockets and TCP_NODELAY by default, threading for debugging."""

from __future__ import annotations

import os
import socket

from flask import Flask

from .extensions import socketio


def run(app: Flask, host: str, port: int) -> None:
    """Serve the app until interrupted."""
    # Inside a Flask CLI command socketio.run() would silently return.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    mode = socketio.server.async_mode if socketio.server else "threading"
    app.logger.info("Facilitator serving on http://%s:%s (%s)", host, port, mode)
    print(f"Facilitator serving on http://{host}:{port} ({mode})", flush=True)
    if mode == "gevent":
        serve_gevent(app, host, port)
    else:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True,
                     use_reloader=False, log_output=False)


def serve_gevent(app: Flask, host: str, port: int) -> None:
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

    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(4096)
    server = pywsgi.WSGIServer(listener, app, handler_class=NoDelayHandler, log=None)
    server.serve_forever()
