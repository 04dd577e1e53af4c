"""Workshops, their prompts (policy questions) and options."""
