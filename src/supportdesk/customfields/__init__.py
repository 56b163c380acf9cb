"""Custom ticket fields a tenant defines, and validation of their values."""
