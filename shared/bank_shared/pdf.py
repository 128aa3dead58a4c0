"""PDF documents of the bank (receipts, requisites, statements) in one layout, with Cyrillic text.

fpdf2 (pure Python) draws them with DejaVu Sans, shipped in bank_shared/fonts as a subset (Latin, Cyrillic,
punctuation, "₽") under the DejaVu fonts' licence (fonts/LICENSE), which allows redistribution. fpdf2 is imported
only when a document is drawn, never on a handler's cold start."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi.responses import Response

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"
PDF_MEDIA_TYPE = "application/pdf"
# For routes answering a PDF: `responses=PDF_RESPONSES` documents the body in the OpenAPI files.
PDF_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {PDF_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}},
          "description": "The document as a PDF"}}
_MARGIN, _LINE = 15.0, 6.0


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    widths: tuple[float, ...]  # parts of the page width, summing to 1
    rows: Sequence[tuple[str, ...]]
    aligns: tuple[str, ...] = ()  # "L" or "R" per column; left by default


@dataclass(frozen=True)
class Document:
    title: str
    issuer: Sequence[str]  # the bank's name and requisites, on top of every document
    fields: Sequence[tuple[str, str]] = ()  # label, value
    table: Table | None = None
    note: str = ""
    issued_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def document_lines(document: Document) -> list[str]:
    """The text the PDF shows, line by line (what a reader of the PDF finds; also a plain-text fallback)."""
    lines = [*document.issuer, document.title, *(f"{label}: {value}" for label, value in document.fields)]
    if document.table is not None:
        lines += [" | ".join(document.table.header), *(" | ".join(row) for row in document.table.rows)]
    return [*lines, *([document.note] if document.note else [])]


def render_pdf(document: Document) -> bytes:
    """The document as PDF bytes (A4, one or more pages)."""
    from fpdf import FPDF  # deferred: only a document request pays for it

    pdf = FPDF(format="A4")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(auto=True, margin=_MARGIN)
    pdf.set_title(document.title)
    pdf.set_creator("bank_shared.pdf")
    pdf.set_creation_date(document.issued_at)
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    pdf.set_font(FONT, "", 9)
    for line in document.issuer:
        pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _fields(pdf, document.fields)
    if document.table is not None:
        _table(pdf, document.table)
    if document.note:
        pdf.ln(4)
        pdf.set_font(FONT, "", 8)
        pdf.multi_cell(0, 4.5, document.note, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _fields(pdf: object, fields: Sequence[tuple[str, str]]) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    width = pdf.epw
    for label, value in fields:
        pdf.set_font(FONT, "", 10)
        pdf.cell(width * 0.4, _LINE, label)
        pdf.set_font(FONT, "B", 10)
        pdf.multi_cell(width * 0.6, _LINE, value, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: object, table: Table) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    pdf.ln(3)
    pdf.set_font(FONT, "", 8)
    aligns = table.aligns or ("L",) * len(table.header)
    with pdf.table(col_widths=table.widths, text_align=aligns, line_height=4.5,
                   first_row_as_headings=True, repeat_headings=1) as drawn:
        for row in (table.header, *table.rows):
            cells = drawn.row()
            for text in row:
                cells.cell(text)


def pdf_response(content: bytes, filename: str) -> Response:
    """A PDF answer that the browser saves as `filename`."""
    return Response(content, media_type=PDF_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


_SYMBOLS = {"RUB": "₽", "USD": "$", "EUR": "€", "CNY": "¥", "GBP": "£"}


def money_text(amount: str, currency: str, sign: str = "") -> str:
    """"1250.50", "RUB" → "1 250,50 ₽" (the Russian way, a no-break space between thousands)."""
    whole, _, fraction = amount.lstrip("-").partition(".")
    groups = f"{int(whole):,}".replace(",", "\u00a0")
    number = f"{groups},{fraction}" if fraction else groups
    return f"{sign}{number}\u00a0{_SYMBOLS.get(currency, currency)}"
