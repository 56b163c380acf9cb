"""Files attached to tickets and conversations, behind a storage interface."""
