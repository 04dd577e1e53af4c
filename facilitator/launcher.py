"""The `facilitator` console script.

`facilitator serve` runs on gevent: the standard library is patched here,
before Flask, ssl, sockets or psycopg are imported, then the CLI loads.
"""

import os
import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "serve":
        mode = os.environ.setdefault("FACILITATOR_ASYNC_MODE", "gevent")
        if mode == "gevent":
            from gevent import monkey

            monkey.patch_all()  # psycopg 3 then waits cooperatively (tests/scaleout)
    from .cli import cli

    cli(prog_name="facilitator")
