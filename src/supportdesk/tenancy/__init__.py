"""Tenants, their API keys, and resolving a request to a tenant."""
