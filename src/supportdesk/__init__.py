"""supportdesk: a self-hosted helpdesk whose API speaks Desk365 v3."""

__version__ = "0.1.0"
