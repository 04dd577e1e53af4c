"""Running the session: open and close prompts, show results, moderate positions."""
