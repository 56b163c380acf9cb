"""Satisfaction surveys: definitions, surveys sent on tickets, and answers."""
