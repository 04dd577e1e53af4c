"""`facilitator serve --workers N`: N server processes on one machine, supervised.

Worker i listens on PORT + i (i = 0 … N-1) and is a plain `facilitator serve` (gevent, one
event loop). They share the database and broadcast to each other's clients through the
message queue (FACILITATOR_MESSAGE_QUEUE, Redis), which is therefore required. A Socket.IO
client must keep talking to the same process (HTTP long-polling spans several requests), so
the processes go behind a proxy that sticks each client to one of them: the nginx of
docs/deployment.md (deploy/nginx.conf, hashed on the client's address), whose upstream block is printed at start. A worker that
exits unexpectedly is started again (at most MAX_RESTARTS times a minute); Ctrl-C or SIGTERM
stops them all, by pid.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import deque

#: Restarts of one worker allowed within a minute before the supervisor gives up on it.
MAX_RESTARTS = 5


def upstream_block(host: str, ports: list[int]) -> str:
    """The nginx upstream for these workers (docs/deployment.md)."""
    servers = "\n".join(f"    server {host}:{port};" for port in ports)
    return f"upstream facilitator {{\n    hash $remote_addr consistent;\n{servers}\n    keepalive 32;\n}}"


def worker_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-c", "import sys; from facilitator.launcher import main; "
            "sys.argv[0] = 'facilitator'; main()", "serve", "--host", host, "--port", str(port)]


class Supervisor:
    def __init__(self, host: str, ports: list[int], announce=print):
        self.host = host
        self.ports = ports
        self.announce = announce
        self.processes: dict[int, subprocess.Popen] = {}
        self.restarts: dict[int, deque] = {port: deque() for port in ports}
        self.stopping = False

    def start(self, port: int) -> None:
        self.processes[port] = subprocess.Popen(worker_command(self.host, port), stdin=subprocess.DEVNULL)

    def stop(self, *_args) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for port in self.ports:
            self.start(port)
        status = 0
        try:
            while not self.stopping and self.processes:
                time.sleep(0.2)
                for port, process in list(self.processes.items()):
                    code = process.poll()
                    if code is None or self.stopping:
                        continue
                    recent = self.restarts[port]
                    now = time.monotonic()
                    while recent and now - recent[0] > 60:
                        recent.popleft()
                    if len(recent) >= MAX_RESTARTS:
                        self.announce(f"worker on port {port} exited {len(recent) + 1} times within a "
                                      f"minute (last status {code}); not starting it again")
                        del self.processes[port]
                        status = 1
                        continue
                    recent.append(now)
                    self.announce(f"worker on port {port} exited with status {code}; starting it again")
                    self.start(port)
        finally:
            for process in self.processes.values():
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 15
            for process in self.processes.values():
                try:
                    process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        return status
