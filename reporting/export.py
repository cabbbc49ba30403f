"""Any table as a CSV or Excel download.

Text that would start a formula is written with a leading quote (core.spreadsheet), so a
name or reason in a drill-down cannot run as a formula in whoever opens the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from core.protected import download
from core.spreadsheet import csv_row, xlsx_append

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _plain(value):
    return "" if value is None else value


def table_response(
    *,
    name: str,
    title: str,
    head: Sequence[str],
    rows: Iterable[Sequence],
    fmt: str,
    password: str = "",
) -> HttpResponse:
    """A download of one table: UTF-8 CSV (with a byte-order mark, for Excel) or .xlsx;
    locked in a zip when a `password` is given (core.protected)."""
    body = table_content(title=title, head=head, rows=rows, fmt=fmt)
    return download(body, f"{name}.{fmt}", FORMATS[fmt], password=password)


def table_content(*, title: str, head: Sequence[str], rows: Iterable[Sequence], fmt: str) -> bytes:
    """One table as the bytes of a UTF-8 CSV (with a byte-order mark) or an .xlsx file."""
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(csv_row(head))
        for row in rows:
            writer.writerow(csv_row(row))
        body = out.getvalue().encode("utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = title[:31].replace("/", "-").replace(":", "") or "Table"
        for cell in xlsx_append(sheet, head):
            cell.font = Font(bold=True)
        for row in rows:
            xlsx_append(sheet, [_plain(v) for v in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
    return body
