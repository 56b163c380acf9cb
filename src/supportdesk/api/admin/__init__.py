"""The admin API (``/apis/admin``): what Desk365 configures in its settings screens.

Not part of the Desk365 wire format (Desk365 has no such API), so it uses
plain JSON with this project's own names, the same error body, and admin keys
only (``supportdesk apikey create --admin``).
"""
