"""CSV and Excel downloads of any ledger (UTF-8 with BOM so Excel reads Chinese)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

import xlsxwriter
from flask import Response


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
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )


def xlsx_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> Response:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, list(header), bold)
    for index, row in enumerate(rows, start=1):
        sheet.write_row(index, 0, [str(v) if isinstance(v, dict | list) else v for v in row])
    book.close()
    return Response(
        buffer.getvalue(),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={filename}"},
    )
