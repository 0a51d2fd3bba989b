"""The command-line face: Typer commands that parse, call the facade, and render."""
