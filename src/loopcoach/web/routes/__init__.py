"""Route modules, one per page family."""
