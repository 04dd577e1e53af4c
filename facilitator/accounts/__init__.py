"""Organizer accounts: the people who create and moderate workshops."""
