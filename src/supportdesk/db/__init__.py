"""Database plumbing: engine, sessions, base model, tenant scoping, migrations."""
