"""Tickets, their conversations, and listing them."""
