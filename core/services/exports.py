"""CSV and Excel downloads of any ledger (UTF-8 with BOM so Excel reads Chinese)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

import xlsxwriter
from flask import Response

from core.services.time import DEFAULT_TIMEZONE, to_local
from tenants.context import current_community


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    # Built in full inside the view: ORM rows cannot outlive the request's session, and
    # a community's ledger is a few MB at most.
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        buffer.getvalue(),
        # content_type, not mimetype: werkzeug adds "; charset=utf-8" to a text mimetype,
        # which would send the charset twice.
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def _cell(value):
    """Excel has no time zones: aware times become the community's wall-clock time."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        tenant = current_community()
        return to_local(value, tenant.timezone if tenant else DEFAULT_TIMEZONE).replace(tzinfo=None)
    if isinstance(value, dict | list):
        return str(value)
    return value


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "constant_memory": True,
            "default_date_format": "yyyy-mm-dd hh:mm",
            # Typed text stays text: a report titled "=HYPERLINK(…)" must not become a
            # live formula (or link) in staff's spreadsheet.
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, list(header), bold)
    sheet.set_column(0, len(header) - 1, 16, None)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, [_cell(v) for v in row])
    book.close()
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
