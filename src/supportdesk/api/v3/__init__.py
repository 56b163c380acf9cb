"""The Desk365 API v3 adapter: paths, parameters, names, codes, envelopes."""
