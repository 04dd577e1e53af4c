"""Facilitator: live, hybrid policy consultation workshops.

Importing the package loads nothing heavy, so that `facilitator serve` can
patch the standard library for gevent before Flask, ssl or sockets load
(see launcher.py). The application factory lives in app.py.
"""

__version__ = "0.1.0"


def create_app(test_config: dict | None = None):
    """Create and configure a Facilitator application (see app.create_app)."""
    from .app import create_app as build

    return build(test_config)
