"""Any table as a CSV or Excel download."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _plain(value):
    return "" if value is None else value


def table_response(
    *, name: str, title: str, head: Sequence[str], rows: Iterable[Sequence], fmt: str
) -> HttpResponse:
    """A download of one table: UTF-8 CSV (with a byte-order mark, for Excel) or .xlsx."""
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(head)
        for row in rows:
            writer.writerow([_plain(v) for v in row])
        body = out.getvalue().encode("utf-8")
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = title[:31].replace("/", "-").replace(":", "") or "Table"
        sheet.append(list(head))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_plain(v) for v in row])
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        buffer = io.BytesIO()
        book.save(buffer)
        body = buffer.getvalue()
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
