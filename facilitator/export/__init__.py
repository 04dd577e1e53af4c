"""Post-session summary: the report model, its builders (JSON, Markdown, CSV zip, HTML), pages and CLI."""
