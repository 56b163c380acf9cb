"""Support contracts: block hours and block tickets per company."""
