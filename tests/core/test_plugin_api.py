"""The helpers plugins get from ``core.plugin_api`` beyond hooks."""

import types
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core import plugin_api as api
from core.extensions import db
from core.models import AuditEntry
from tenants.context import tenant_scope


def _asker_and_answerer():
    specs = types.ModuleType("asker_specs")

    @api.hookspec
    def how_many_helpers(street):
        """A question one plugin declares and another answers."""

    specs.how_many_helpers = how_many_helpers
    asker = types.ModuleType("asker")
    asker.meta = api.PluginMeta(
        "asker", "1", {"zh_Hans": "问", "en": "Asker"}, {"zh_Hans": "", "en": ""}
    )
    asker.hookspecs = specs
    answerer = types.ModuleType("answerer")
    answerer.meta = api.PluginMeta(
        "answerer", "1", {"zh_Hans": "答", "en": "Answerer"}, {"zh_Hans": "", "en": ""}
    )

    answerer.how_many_helpers = api.hookimpl(specname="how_many_helpers")(
        lambda street: len(street)
    )
    return {"asker": asker, "answerer": answerer}


@pytest.fixture
def gongzhi_extra_plugins():
    return _asker_and_answerer()


def test_ask_plugins_reaches_only_enabled_answerers(app, community, enable_plugin, in_community):
    enable_plugin(community, "asker")
    with in_community(community):
        assert api.ask_plugins("how_many_helpers", street="河运路") == []
    enable_plugin(community, "answerer")
    with in_community(community):
        assert api.ask_plugins("how_many_helpers", street="河运路") == [("answerer", 3)]


def test_members_by_role_and_by_email(app, community, admin, staff, member, in_community):
    with in_community(community):
        staff_like = {m.email for m in api.community_members(roles=("staff", "admin"))}
        assert staff_like == {admin.email, staff.email}
        assert api.find_member("MEMBER@alpha.example").user_id == member.id
        assert api.find_member("nobody@example.org") is None


def test_utc_datetime_round_trips_an_offset_on_every_database(app, community, in_community):
    beijing_nine = datetime(2026, 11, 22, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    with in_community(community):
        entry = AuditEntry(action="x", at=beijing_nine)
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    db_session_clear(app)
    with in_community(community):
        stored = db.session.get(AuditEntry, entry_id).at
    assert stored == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    with app.app_context(), tenant_scope(community.id), pytest.raises(Exception, match="naive"):
        db.session.add(AuditEntry(action="y", at=datetime(2026, 1, 1)))
        db.session.flush()


def db_session_clear(app):
    with app.app_context():
        db.session.expunge_all()


def test_a_plugin_stylesheet_is_served_and_linked_only_where_it_is_on(
    app, community, admin_client, enable_plugin, tmp_path, monkeypatch
):
    sheets = app.extensions["gongzhi.plugin_stylesheets"]
    monkeypatch.setitem(sheets, "notices", "notices.css")
    static = tmp_path / "static"
    static.mkdir()
    (static / "notices.css").write_text(".notice { color: red }")
    import core.web.plugin_routes as routes

    monkeypatch.setattr(routes, "plugin_static_dir", lambda record: static)
    assert "/static/plugins/notices/notices.css" not in admin_client.get("/c/alpha/").text
    enable_plugin(community, "notices")
    assert "/static/plugins/notices/notices.css" in admin_client.get("/c/alpha/").text
    css = admin_client.get("/static/plugins/notices/notices.css")
    assert css.status_code == 200 and b"color: red" in css.data
    assert admin_client.get("/static/plugins/nope/x.css").status_code == 404


def test_excel_export_writes_aware_times_as_the_communitys_wall_clock(app, community):
    import io as _io
    import zipfile

    from flask import g

    from tenants.models import Tenant

    with app.test_request_context():
        g.tenant = db.session.get(Tenant, community.id)
        response = api.xlsx_response(
            "x.xlsx", ["at", "note"], [(datetime(2026, 11, 22, 1, 0, tzinfo=UTC), {"a": 1})]
        )
    sheet = zipfile.ZipFile(_io.BytesIO(response.get_data())).read("xl/worksheets/sheet1.xml")
    # 09:00 in Asia/Shanghai is 0.375 of a day after midnight
    assert b"46348.375" in sheet


def test_downloads_read_back_with_the_testing_helpers(app, community):
    from core.testing import read_csv, read_xlsx
    from tenants.context import community_scope

    rows = [("赞成", 2, datetime(2026, 11, 22, 1, 0, tzinfo=UTC)), ("反对", None, "x,y")]
    with app.test_request_context(), community_scope(community.id):
        sheet = api.xlsx_response("r.xlsx", ["选项", "票数", "时间"], rows)
        text = api.csv_response("r.csv", ["选项", "票数", "时间"], rows)
    assert read_xlsx(sheet) == [
        ["选项", "票数", "时间"],
        ["赞成", 2, datetime(2026, 11, 22, 9, 0)],  # the community's wall clock
        ["反对", None, "x,y"],
    ]
    assert text.headers["Content-Type"] == "text/csv; charset=utf-8"  # once, not twice
    assert text.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    assert read_csv(text) == [
        ["选项", "票数", "时间"],
        ["赞成", "2", "2026-11-22 01:00:00+00:00"],
        ["反对", "", "x,y"],
    ]


def test_pgettext_messages_are_extracted_with_their_context(tmp_path):
    from core.services import i18n_tools

    (tmp_path / "views.py").write_text(
        'from core.plugin_api import pgettext\nLABEL = pgettext("requests", "Off")\n'
    )
    catalog = i18n_tools.extract([tmp_path])
    assert catalog.get("Off", "requests") is not None
