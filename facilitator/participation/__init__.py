"""Participants and what they do: join, vote, submit positions, react."""
