"""Every export is a real workbook (issue 18): a sheet named after the ledger, a title row
with the community and the date, a frozen header with a filter, column widths, number and
date formats, a file name in the reader's language; CSV has the same columns."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest

from core import plugin_api as api
from core.extensions import db
from tenants.context import community_scope
from tenants.models import Tenant


def _parts(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return {
            name: book.read(name).decode("utf-8")
            for name in (
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml",
                "xl/sharedStrings.xml",
                "xl/styles.xml",
            )
        }


def _filename(response) -> str:
    disposition = response.headers["Content-Disposition"]
    return unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition)[1])


def _export(app, community, locale, fmt="xlsx"):
    columns = [
        api.ExportColumn("编号" if locale == "zh_Hans" else "Number", width=11),
        api.ExportColumn("受理时间", "datetime"),
        api.ExportColumn("金额", "money"),
        api.ExportColumn("事项", width=40),
    ]
    rows = [
        ("2026-0001", datetime(2026, 11, 22, 1, 0, tzinfo=UTC), 123456, '=HYPERLINK("x")'),
        ("2026-0002", None, None, "楼道灯坏了"),
    ]
    headers = {"Accept-Language": "en" if locale == "en" else "zh"}
    with app.test_request_context(headers=headers), community_scope(community.id):
        tenant = db.session.get(Tenant, community.id)
        tenant.default_locale = locale
        return api.export_response("民情台账", columns, rows, fmt=fmt, key="requests")


def test_a_workbook_is_a_real_ledger(app, community):
    response = _export(app, community, "zh_Hans")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    parts = _parts(response.get_data())
    assert '<sheet name="民情台账"' in parts["xl/workbook.xml"]
    sheet = parts["xl/worksheets/sheet1.xml"]
    strings = parts["xl/sharedStrings.xml"]
    # title row: the community, the ledger and the date
    assert re.search(r"<t>甲社区 · 民情台账 · 20\d\d年\d+月\d+日</t>", strings)
    # the header row (3) is frozen, with a filter over the data
    assert '<pane ySplit="3" topLeftCell="A4"' in sheet and '<autoFilter ref="A3:D5"' in sheet
    widths = [float(w) for w in re.findall(r'<col [^>]*width="([\d.]+)"', sheet)]
    assert widths[0] < widths[1] < widths[3]  # 11, 17 (a datetime), 40
    styles = parts["xl/styles.xml"]
    assert 'formatCode="yyyy-mm-dd hh:mm"' in styles and 'formatCode="¥#,##0.00"' in styles
    # 09:00 in Asia/Shanghai is 0.375 of a day; 123456 fen are 1234.56 yuan
    assert "<v>46348.375</v>" in sheet and "<v>1234.56</v>" in sheet
    # what people typed stays text: never a formula
    assert "<f>" not in sheet and "HYPERLINK" in strings
    name = _filename(response)
    assert re.fullmatch(r"甲社区-民情台账-20\d\d-\d\d-\d\d\.xlsx", name)
    assert 'filename="alpha-requests-' in response.headers["Content-Disposition"]


def test_csv_has_the_same_columns_and_a_name_in_the_readers_language(app, community):
    response = _export(app, community, "en", fmt="csv")
    assert re.fullmatch(r"Alpha Community-民情台账-20\d\d-\d\d-\d\d\.csv", _filename(response))
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Number", "受理时间", "金额", "事项"]
    assert rows[1][:3] == ["2026-0001", "2026-11-22 09:00", "1234.56"]
    assert rows[2][:3] == ["2026-0002", "", ""]


def test_an_unknown_column_kind_is_refused():
    with pytest.raises(ValueError, match="unknown column kind"):
        api.ExportColumn("x", "percent")


def test_the_request_ledger_and_the_audit_log_export_workbooks(
    app, admin_client, enable_plugin, community
):
    enable_plugin(community, "requests")
    ledger = admin_client.get("/c/alpha/requests/ledger.xlsx")
    assert '<sheet name="民情台账"' in _parts(ledger.data)["xl/workbook.xml"]
    assert _filename(ledger).startswith("甲社区-民情台账-")
    strings = _parts(ledger.data)["xl/sharedStrings.xml"]
    assert "<t>编号</t>" in strings and "Number" not in strings

    audit = admin_client.get("/c/alpha/audit?format=xlsx")
    assert '<sheet name="审计日志"' in _parts(audit.data)["xl/workbook.xml"]
    assert _filename(admin_client.get("/c/alpha/audit?format=csv")).endswith(".csv")

    admin_client.post("/lang", data={"locale": "en", "next": "/"})
    english = admin_client.get("/c/alpha/requests/ledger.xlsx")
    assert _filename(english).startswith("Alpha Community-Request ledger-")
    assert "<t>Number</t>" in _parts(english.data)["xl/sharedStrings.xml"]


def test_csv_opens_typed_formulas_as_text_and_keeps_numbers(app):
    """A resident's "=HYPERLINK(…)" must not run in staff's spreadsheet (CSV injection)."""
    with app.test_request_context():
        response = api.csv_response(
            "x.csv",
            ["title", "amount"],
            [['=HYPERLINK("http://x.test","点我")', -5], ["@SUM(A1)", 3], ["平常的话", "+86"]],
        )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1] == ['\'=HYPERLINK("http://x.test","点我")', "-5"]
    assert rows[2] == ["'@SUM(A1)", "3"]
    assert rows[3] == ["平常的话", "'+86"]
