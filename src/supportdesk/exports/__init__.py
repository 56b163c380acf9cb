"""Exports: a tenant's tickets, contacts and companies as CSV files.

``service`` reads the rows in one read snapshot, in keyset-paginated batches;
``columns`` names the columns as the Desk365 wire format names the fields;
``csvfile`` writes RFC 4180 CSV through ``neutralise``, which keeps cell text
from being run as a spreadsheet formula.
"""
