"""Start the real `facilitator serve` in a subprocess for end-to-end tests."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def facilitator(*args, env, stdin=None) -> str:
    """Run a facilitator CLI command and return its standard output."""
    result = subprocess.run([str(BIN / "facilitator"), *args], env=env, input=stdin,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise RuntimeError(f"facilitator {' '.join(args)} failed: {result.stderr}")
    return result.stdout


class Server:
    """A `facilitator serve` process on a free port with its own database."""

    def __init__(self, tmp_path: Path, env_extra: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ,
                    "FACILITATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'e2e.sqlite3'}",
                    "FACILITATOR_SECRET_KEY": "e2e-secret",
                    "FACILITATOR_PUBLIC_URL": self.url}
        self.env.update(env_extra or {})
        self.log = open(tmp_path / "server.log", "w+")
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> Server:
        self.process = subprocess.Popen(
            [str(BIN / "facilitator"), "serve", "--port", str(self.port)],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not answer /healthz in {timeout}s: {self.output()}")

    def create_workshop(self, *extra) -> dict:
        return json.loads(facilitator("create-workshop", "--title", "IGF 2023 Open Forum #104",
                                      "--template", "igf-ai-copyright", "--json", *extra, env=self.env))

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()
