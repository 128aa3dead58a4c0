"""Spreadsheet-safe CSV: BOM for Excel, `;` separator, formula-like text cells prefixed with `'`."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from bank_shared.csv_export import BOM, csv_bytes, safe_cell


@pytest.mark.parametrize("text", ["=1+2", "+7 900", "-5", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_formula_like_text_is_shown_as_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Петрова", "a=b", "", "1-2", "customer.block"])
def test_plain_text_is_unchanged(value: str) -> None:
    assert safe_cell(value) == value


def test_numbers_booleans_and_none() -> None:
    assert (safe_cell(-5), safe_cell(Decimal("-1.50")), safe_cell(True), safe_cell(None)) == \
        (-5, Decimal("-1.50"), "true", "")


def test_file_is_utf8_with_bom_and_round_trips() -> None:
    data = csv_bytes(["name", "note"], [["Пётр; \"Ёж\"", "=cmd|' /C calc'!A0"], ["x", None]])
    text = data.decode("utf-8")
    assert text.startswith(BOM) and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows == [["name", "note"], ["Пётр; \"Ёж\"", "'=cmd|' /C calc'!A0"], ["x", ""]]
