"""Asset management: locations (and later the assets kept there)."""
