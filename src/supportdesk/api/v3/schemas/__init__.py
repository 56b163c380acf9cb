"""Request bodies of the v3 API, with Desk365 field names."""
