"""Service level agreements: which policy a ticket runs under."""
