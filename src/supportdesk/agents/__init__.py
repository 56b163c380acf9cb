"""Agents (the support staff) and the groups they work in."""
