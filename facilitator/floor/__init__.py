"""The floor (one speaking queue for the room and online) and the agenda clock (CONTRACT §7, §8)."""
