"""The real `facilitator serve` on a free port with its own database, for end-to-end tests.

Built on the benchmark's ServerProcess (facilitator/bench/servers.py), the one
place that starts, waits for and stops server processes.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from facilitator.bench.servers import ServerProcess, facilitator_command, free_port


def facilitator(*args, env, stdin=None) -> str:
    """Run a facilitator CLI command and return its standard output."""
    result = subprocess.run([*facilitator_command(), *args], env=env, input=stdin,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"facilitator {' '.join(args)} failed: {result.stderr}")
    return result.stdout


class Server:
    """A `facilitator serve` process with a fresh SQLite database; stopped by pid."""

    def __init__(self, tmp_path: Path, env_extra: dict | None = None):
        self.tmp_path = tmp_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ,
                    "FACILITATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
                    "FACILITATOR_SECRET_KEY": "e2e-secret",
                    "FACILITATOR_PUBLIC_URL": self.url,
                    "FACILITATOR_INSTANCE_PATH": str(tmp_path / "instance"),
                    **(env_extra or {})}
        self.process: ServerProcess | None = None

    def start(self, timeout: float = 60.0) -> Server:
        self.process = ServerProcess("facilitator", facilitator_command() + ["serve", "--port", str(self.port)],
                                     self.env, self.port, self.tmp_path / "server.log")
        try:
            self.process.wait_ready("/healthz", timeout=timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def cli(self, *args, stdin=None) -> str:
        return facilitator(*args, env=self.env, stdin=stdin)

    def create_workshop(self, *extra) -> dict:
        return json.loads(self.cli("create-workshop", "--title", "IGF 2023 Open Forum #104",
                                   "--template", "igf-ai-copyright", "--json", *extra))

    def output(self) -> str:
        return self.process.log_path.read_text(errors="replace") if self.process else ""

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop(timeout=10)
