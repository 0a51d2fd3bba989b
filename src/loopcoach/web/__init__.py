"""The web face: FastAPI app factory, page routes, JSON API, templates and static files."""
