"""Reading the files a view sends (``csv_response``, ``xlsx_response``) back into rows."""

from __future__ import annotations

import csv
import io
from typing import Any


def _body(response) -> bytes:
    data = getattr(response, "data", response)
    return data if isinstance(data, bytes) else bytes(data)


def read_xlsx(response) -> list[list[Any]]:
    """The rows of the first sheet of an .xlsx download (a test client's response, or its
    bytes): ``[["Option", "Votes"], ["赞成", 2], …]``. Numbers stay numbers, dates come
    back as naive ``datetime`` (Excel has no time zones), empty cells as ``None``.

    Needs openpyxl (in the ``test`` extra of gongzhi)."""
    try:
        from openpyxl import load_workbook
    except ImportError as exc:  # the platform without its test extra
        raise RuntimeError("read_xlsx needs openpyxl: pip install 'gongzhi[test]'") from exc
    book = load_workbook(io.BytesIO(_body(response)), read_only=True, data_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def read_csv(response) -> list[list[str]]:
    """The rows of a .csv download (UTF-8, with or without the byte-order mark Excel
    needs), every cell a string."""
    text = _body(response).decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text))]
