"""Edges that write files people already use: calendars, Anki decks, charts, Markdown."""
