"""The live tests' fixtures (a moderator, joining participants) for the floor's tests too."""

from live.conftest import join, moderator, q1, q2  # noqa: F401
