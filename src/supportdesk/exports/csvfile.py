"""Writing export rows as RFC 4180 CSV bytes, one chunk per batch of rows.

Python's ``csv`` module does the quoting (``QUOTE_NONNUMERIC``: every text
cell is quoted, numbers are not), lines end in CRLF as RFC 4180 says, and the
bytes are UTF-8. Every text cell, header included, goes through
``neutralise`` first.

The byte-order mark is optional (``bom``): Excel needs it to read UTF-8
(without it, "Zoë" opens as "ZoÃ«"), while most other tools (Python's csv,
pandas, databases' COPY, ``cut``) would take it as part of the first column's
name. It is off by default.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from supportdesk.exports.neutralise import neutralise

# What a cell may hold before it is written: text, a number we generate, a
# flag, a list of texts (watchers, multi-select choices), or nothing.
Cell = str | int | float | bool | list[str] | tuple[str, ...] | None
BOM = "\ufeff".encode()


def cell_value(value: Cell) -> str | int | float:
    """The value the CSV writer gets: neutralised text, or a bare number.

    Flags become ``true``/``false`` (as in the JSON API), lists one
    comma-separated text, nothing an empty cell.
    """
    if isinstance(value, str):
        return neutralise(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return neutralise(", ".join(value))


def csv_chunks(header: Sequence[str], batches: Iterable[Sequence[Sequence[Cell]]], *,
               bom: bool = False) -> Iterator[bytes]:
    """The file as bytes: the header line first, then one chunk per batch of rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    yield (BOM if bom else b"") + _drain(buffer)
    for batch in batches:
        writer.writerows([cell_value(value) for value in row] for row in batch)
        chunk = _drain(buffer)
        if chunk:
            yield chunk


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    return data
