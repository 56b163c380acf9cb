"""Admin route modules, one per settings area."""
