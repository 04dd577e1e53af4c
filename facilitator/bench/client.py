"""A lean Socket.IO v5 client over one aiohttp websocket, for load generation.

It speaks just enough of Engine.IO 4 / Socket.IO 5 (open, ping/pong, namespace
connect, events, acks) to drive thousands of connections from one process
without python-socketio's per-client tasks and queues.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import aiohttp


class ConnectRefused(Exception):
    pass


class LiveClient:
    """One participant, moderator or screen connection to the /live namespace."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, namespace: str = "/live"):
        self.session = session
        self.url = base_url.rstrip("/").replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.ns = namespace
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.handlers: dict[str, Callable] = {}
        self._acks: dict[int, asyncio.Future] = {}
        self._next_id = 0
        self._reader: asyncio.Task | None = None
        self._connected: asyncio.Future | None = None
        self.closed = False

    def on(self, event: str, handler: Callable) -> None:
        self.handlers[event] = handler

    async def connect(self, auth: dict, timeout: float = 30) -> None:
        self.ws = await self.session.ws_connect(self.url, timeout=aiohttp.ClientWSTimeout(ws_close=5),
                                                autoping=False, max_msg_size=0, compress=0)
        opening = await asyncio.wait_for(self.ws.receive(), timeout)
        if opening.type != aiohttp.WSMsgType.TEXT or not opening.data.startswith("0"):
            raise ConnectRefused(f"unexpected Engine.IO open: {opening.data!r}")
        self._connected = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        await self.ws.send_str(f"40{self.ns},{json.dumps(auth)}")
        await asyncio.wait_for(self._connected, timeout)

    async def emit(self, event: str, data, timeout: float = 60):
        """Send an event and wait for its acknowledgement; return the ack's first argument."""
        self._next_id += 1
        ack_id = self._next_id
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self.ws.send_str(f"42{self.ns},{ack_id}{json.dumps([event, data], separators=(',', ':'))}")
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            self._acks.pop(ack_id, None)

    async def close(self) -> None:
        self.closed = True
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str(f"41{self.ns},")
                await self.ws.close()
            except Exception:
                pass
        if self._reader is not None:
            self._reader.cancel()

    async def _read(self) -> None:
        prefix = f"{self.ns},"
        try:
            async for msg in self.ws:
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = msg.data
                kind = data[0]
                if kind == "2":  # Engine.IO ping
                    await self.ws.send_str("3")
                    continue
                if kind != "4":
                    continue
                sio = data[1]
                body = data[2:]
                if body.startswith(prefix):
                    body = body[len(prefix):]
                if sio == "2":  # event
                    arrived = time.monotonic()
                    event, *args = json.loads(body)
                    handler = self.handlers.get(event)
                    if handler is not None:
                        handler(arrived, *args)
                elif sio == "3":  # ack
                    i = 0
                    while body[i].isdigit():
                        i += 1
                    future = self._acks.get(int(body[:i]))
                    if future is not None and not future.done():
                        args = json.loads(body[i:])
                        future.set_result(args[0] if args else None)
                elif sio == "0":
                    if self._connected and not self._connected.done():
                        self._connected.set_result(True)
                elif sio == "4":
                    if self._connected and not self._connected.done():
                        self._connected.set_exception(ConnectRefused(body))
        except asyncio.CancelledError:
            raise
        except Exception:
            pass
        finally:
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(ConnectionError("connection closed"))
            if self._connected and not self._connected.done():
                self._connected.set_exception(ConnectionError("connection closed"))
