"""Cells for the CSV and Excel files the app writes for people to open.

A spreadsheet runs a cell that begins with a formula character as a formula, so a name
or a reason typed as `=HYPERLINK("http://...")` would become a live link (or worse) in
whoever opens the download. Following OWASP's advice on CSV injection, text that begins
=, +, -, @, a tab or a carriage return (or the full-width =, +, - and @ some spreadsheets
read as the same) is written with a single quote in front, so it is shown as the text it
is. Only text is changed: numbers, dates and blanks are written as they are, so -2 stays
the number -2.

Every CSV and .xlsx the app offers for download writes its rows through `csv_row` or
`xlsx_append`. The DfE returns (SSDA903, CIN census) are files for a validator, not for
people, and are written as the DfE specifies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Characters XML 1.0 cannot hold: openpyxl refuses a cell containing them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_safe(value: Any) -> Any:
    """The value as a spreadsheet should hold it: text that would start a formula gets a
    leading single quote (after dropping control characters no workbook can hold, so
    none can hide a formula character); anything that is not text is returned as it is."""
    if not isinstance(value, str):
        return value
    value = _NOT_XML.sub("", value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A row for `csv.writer`: every value made safe, and None written as a blank."""
    return ["" if v is None else cell_safe(v) for v in values]


def xlsx_append(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """Append a row to an openpyxl worksheet, every value made safe, and return its cells.

    Text is stored as text (data type "s"), never as a formula or an error value.
    """
    from openpyxl.cell.cell import Cell

    cells = []
    for value in values:
        cell = Cell(sheet, value=cell_safe(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # not "f" (formula), nor "e" for text such as "#N/A"
        cells.append(cell)
    sheet.append(cells)
    return cells
