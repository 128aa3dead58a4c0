# ruff: noqa: RUF001 - Russian document text (Cyrillic letters and the minus sign are intended)
"""The bank's PDFs: Cyrillic text that a PDF reader gets back, the layout's parts, several pages for long tables."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from bank_shared.pdf import Document, Table, document_lines, pdf_response, render_pdf


def text_of(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


DOCUMENT = Document(
    title="Квитанция об операции",
    issuer=("АО «Банк Северный»", "БИК 044525999"),
    fields=(("Сумма", "1 250,50 ₽"), ("Получатель", "Иван И."), ("Счёт списания", "40817810200010000014")),
    note="Документ сформирован автоматически № 7",
    issued_at=datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
)


def test_a_receipt_reads_back_in_russian() -> None:
    content = render_pdf(DOCUMENT)
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    text = text_of(content)
    for expected in ("АО «Банк Северный»", "Квитанция об операции", "1 250,50 ₽", "Иван И.", "40817810200010000014",
                     "№ 7"):
        assert expected in text
    assert PdfReader(io.BytesIO(content)).metadata.title == "Квитанция об операции"


def test_a_long_table_runs_over_pages() -> None:
    rows = [(f"0{day % 9 + 1}.12.2026", f"Перевод {n}", f"−{n},00 ₽") for n, day in enumerate(range(120))]
    document = Document(title="Выписка", issuer=("Банк",),
                        table=Table(("Дата", "Операция", "Сумма"), (0.25, 0.5, 0.25), rows, ("L", "L", "R")))
    content = render_pdf(document)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) > 1
    assert "Перевод 119" in text_of(content) and "Операция" in reader.pages[1].extract_text()


def test_lines_and_response() -> None:
    assert document_lines(DOCUMENT)[:3] == ["АО «Банк Северный»", "БИК 044525999", "Квитанция об операции"]
    response = pdf_response(b"%PDF-1.4", "receipt.pdf")
    assert response.media_type == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="receipt.pdf"'
