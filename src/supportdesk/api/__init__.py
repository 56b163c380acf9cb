"""HTTP adapters. ``api.v3`` speaks the Desk365 v3 wire format."""
