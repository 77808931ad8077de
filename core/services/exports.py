"""CSV and Excel downloads of any ledger (UTF-8 with BOM so Excel reads Chinese).

``export_response`` is the one way a ledger leaves as a file: a real workbook (a sheet
named after the ledger, a title row with the community and the date, a frozen header with
a filter, column widths, number and date formats) or the same columns as CSV, under a file
name in the reader's language. ``csv_response`` and ``xlsx_response`` are the older, plain
forms (plugin API 1.1); ``xlsx_response`` writes through the same workbook writer.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

import xlsxwriter
from flask import Response
from flask_babel import format_date

from core.services.time import DEFAULT_TIMEZONE, to_local, utcnow
from tenants.context import current_community

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's number formats per column kind; "money" is integer fen shown as yuan.
FORMATS = {
    "text": "@",
    "int": "0",
    "number": "0.0",
    "money": "¥#,##0.00",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A CSV download: UTF-8 with a byte-order mark (Excel reads Chinese), ``header`` in
    the first row, then ``rows``; text a spreadsheet would run as a formula stays text.
    ``filename`` must be ASCII; prefer ``export_response`` for a named, titled export."""
    # Built in full inside the view: ORM rows cannot outlive the request's session, and
    # a community's ledger is a few MB at most.
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_inert(value) for value in row] for row in rows)
    return Response(
        buffer.getvalue(),
        # content_type, not mimetype: werkzeug adds "; charset=utf-8" to a text mimetype,
        # which would send the charset twice.
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(value):
    """Text a resident typed that a spreadsheet would run as a formula (``=HYPERLINK(…)``,
    ``@SUM(…)``) is opened as text: a leading apostrophe, as OWASP advises for CSV. Numbers
    stay numbers. (The workbook writer never turns strings into formulas.)"""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    """Excel has no time zones: aware times become the community's wall-clock time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        tenant = current_community()
        return to_local(value, tenant.timezone if tenant else DEFAULT_TIMEZONE).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return str(value)
    return value


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    """A workbook of plain columns (API 1.1); prefer ``export_response``. Its layout is
    kept: the header in the first row (frozen, with a filter), no title row."""
    stem = filename.rsplit(".", 1)[0]
    columns = [Column(str(label)) for label in header]
    data = _workbook(stem, None, columns, ([_cell(v) for v in row] for row in rows))
    return _download(data, XLSX_MIMETYPE, filename, filename)


@dataclass(frozen=True)
class Column:
    """One column of an export: its header in the reader's language, its kind (``text``,
    ``int``, ``number``, ``money`` in fen, ``date``, ``datetime``: aware datetimes are
    written in the community's time zone) and its width in characters (None: from the
    header and the kind)."""

    label: str
    kind: str = "text"
    width: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in FORMATS:
            raise ValueError(f"unknown column kind {self.kind!r}; one of {sorted(FORMATS)}")


def export_response(
    name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence],
    *,
    fmt: str = "xlsx",
    key: str = "export",
) -> Response:
    """A ledger as a file to download: ``fmt`` ``"xlsx"`` (a real workbook) or ``"csv"``.

    ``name`` is the ledger's name in the reader's language (the sheet's name, the title
    row, the file name: ``河运路社区-民情台账-2026-11-30.xlsx``); ``key`` is an ASCII name
    for old browsers' file names (``requests``). Rows are plain values in column order.
    """
    tenant = current_community()
    zone = tenant.timezone if tenant else DEFAULT_TIMEZONE
    today = to_local(utcnow(), zone).date()
    community = tenant.name() if tenant else ""
    stem = "-".join(p for p in (community, name, today.isoformat()) if p)
    ascii_stem = "-".join(p for p in (tenant.slug if tenant else "", key, today.isoformat()) if p)
    convert = [_converter(column.kind, zone) for column in columns]
    values = ([f(v) for f, v in zip(convert, row, strict=False)] for row in rows)
    if fmt == "csv":
        as_text = [_csv_text(column.kind) for column in columns]
        text_rows = ([f(v) for f, v in zip(as_text, row, strict=False)] for row in values)
        response = csv_response("x.csv", [c.label for c in columns], text_rows)
        response.headers["Content-Disposition"] = _disposition(f"{stem}.csv", f"{ascii_stem}.csv")
        return response
    title = " · ".join(p for p in (community, name, format_date(today, "long")) if p)
    data = _workbook(name, title, columns, values)
    return _download(data, XLSX_MIMETYPE, f"{stem}.xlsx", f"{ascii_stem}.xlsx")


def _converter(kind: str, zone: str) -> Callable:
    """Cell values for the kind: Excel has no time zones, so aware times become the
    community's wall-clock time; money in fen becomes yuan."""

    def local(value):
        if isinstance(value, datetime) and value.tzinfo is not None:
            return to_local(value, zone).replace(tzinfo=None)
        return value

    if kind in ("date", "datetime"):
        return lambda v: None if v in (None, "") else local(v)
    if kind == "money":
        return lambda v: None if v in (None, "") else v / 100
    if kind in ("int", "number"):
        return lambda v: None if v in (None, "") else v
    return lambda v: "" if v is None else str(v)


def _csv_text(kind: str) -> Callable:
    if kind == "datetime":
        return lambda v: v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else ""
    if kind == "date":
        return lambda v: v.strftime("%Y-%m-%d") if isinstance(v, date) else ""
    if kind == "money":
        return lambda v: f"{v:.2f}" if v is not None else ""
    return lambda v: "" if v is None else v


def _width(column: Column) -> int:
    if column.width:
        return column.width
    # A Han character is about two columns wide.
    label = sum(2 if ord(ch) > 0x2E80 else 1 for ch in column.label)
    least = {"date": 11, "datetime": 17, "money": 12, "int": 8, "number": 8}.get(column.kind, 14)
    return max(label + 2, least)


def _workbook(
    sheet_name: str, title: str | None, columns: Sequence[Column], rows: Iterable
) -> bytes:
    """The workbook's bytes: the title row (if any), a blank row, then the header."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "constant_memory": True,
            # Typed text stays text: a report titled "=HYPERLINK(…)" must not become a
            # live formula (or link) in staff's spreadsheet.
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet(_sheet_name(sheet_name))
    title_format = book.add_format({"bold": True, "font_size": 14})
    header_format = book.add_format(
        {"bold": True, "bg_color": "#E8EEF4", "bottom": 1, "text_wrap": True, "valign": "top"}
    )
    formats = {kind: book.add_format({"num_format": code}) for kind, code in FORMATS.items()}
    formats["text"] = book.add_format({"text_wrap": False})
    for index, column in enumerate(columns):
        sheet.set_column(index, index, _width(column), formats[column.kind])
    last = max(len(columns) - 1, 0)
    head = 0
    if title is not None:
        sheet.write_string(0, 0, title, title_format)
        sheet.set_row(0, 22)
        head = 2
    sheet.write_row(head, 0, [c.label for c in columns], header_format)
    sheet.freeze_panes(head + 1, 0)
    count = 0
    for count, row in enumerate(rows, start=1):
        for index, (column, value) in enumerate(zip(columns, row, strict=False)):
            cell_format = formats[column.kind]
            if column.kind == "text" and isinstance(value, datetime | date):
                cell_format = formats["datetime"]  # xlsx_response's columns have no kind
            _write(sheet, head + count, index, value, cell_format)
    sheet.autofilter(head, 0, head + count, last)
    book.close()
    return buffer.getvalue()


def _write(sheet, row: int, col: int, value, cell_format) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, cell_format)
    elif isinstance(value, datetime | date):
        sheet.write_datetime(row, col, value, cell_format)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, cell_format)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, cell_format)
    else:
        sheet.write_string(row, col, str(value), cell_format)


def _sheet_name(name: str) -> str:
    """Excel's rule: at most 31 characters, and none of [ ] : * ? / or a backslash."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", name).strip() or "Sheet1"
    return cleaned[:31]


def _disposition(filename: str, ascii_fallback: str) -> str:
    """``attachment`` with the file name in any language (RFC 6266/5987), and an ASCII
    name for the rare client that cannot read ``filename*``."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_fallback)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def _download(data: bytes, mimetype: str, filename: str, ascii_fallback: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": _disposition(filename, ascii_fallback)},
    )
