"""CSV files people open in a spreadsheet: UTF-8 with a byte-order mark (so Excel reads Cyrillic), `;` as
the separator (what a Russian-locale Excel expects), and every cell safe from formula injection.

A cell that a spreadsheet would evaluate - text starting with `=`, `+`, `-`, `@`, a tab or a carriage return
(OWASP "CSV injection") - is prefixed with `'`, so it is shown as the text it is. Only text cells are
changed; write numbers as numbers (int, Decimal) if they must stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from fastapi.responses import Response

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# For routes answering a CSV file: `responses=CSV_RESPONSES` documents the body in the OpenAPI files.
CSV_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}},
          "description": "A CSV file (UTF-8 with BOM, `;`-separated)"}}

Cell = str | int | Decimal | bool | None


def safe_cell(value: Cell) -> str | int | Decimal:
    """The value as a spreadsheet must show it: text starting like a formula gets a leading `'`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | Decimal):
        return value
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """The whole file: BOM, header, rows, every cell through `safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return (BOM + out.getvalue()).encode()


def csv_response(content: bytes, filename: str) -> Response:
    """A CSV answer that the browser saves as `filename`."""
    return Response(content, media_type=CSV_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
