"""Backups: one archive with the database and the attachment files, and restoring it."""
