"""Route modules, one per resource; each is parse, call one service, return."""
