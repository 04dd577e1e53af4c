"""CPU-heavy work (password hashing) off the event loop, so one person cannot stall the room.

Under gevent (`facilitator serve`) the work runs in gevent's thread pool: hashlib's
scrypt releases the GIL while it works, so the loop keeps answering votes and
health checks meanwhile. Under threading it simply runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def off_loop(fn: Callable[..., T], *args) -> T:
    """Run fn(*args) without blocking the gevent loop; return its result."""
    try:
        from gevent import get_hub, monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return fn(*args)
    if not monkey.is_module_patched("socket"):
        return fn(*args)
    return get_hub().threadpool.apply(fn, args)
