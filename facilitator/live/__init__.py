"""Live infrastructure: rooms, the after-commit outbox and the coalescer.

Nothing here knows what a vote or a position is; services use it to send
what they computed, only once it is stored.
"""

NAMESPACE = "/live"
