"""The operator's commands: publishing a county scale from a file (new versions), and the
budget comparison that includes only consenting communities and audits each reading."""

from __future__ import annotations

import json
from datetime import date

from core.plugin_api import commit, db, shared_template_versions
from plugins.salaries.models import ScaleVersion
from tests.plugins.salaries.helpers import add_scale, add_worker, rates


def _file(tmp_path, **data):
    path = tmp_path / "scale.json"
    body = {"key": "county", "name": "县标准", "effective_from": "2026-01-01", "rates": rates()}
    path.write_text(json.dumps({**body, **data}), encoding="utf-8")
    return str(path)


def test_publish_scale_adds_versions(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["salaries", "publish-scale", _file(tmp_path)])
    assert result.exit_code == 0 and "version 1" in result.output, result.output
    result = runner.invoke(
        args=["salaries", "publish-scale", _file(tmp_path, effective_from="2026-07-01")]
    )
    assert "version 2" in result.output
    with app.app_context():
        versions = shared_template_versions("salaries", "scale", "county")
        assert [(v.version, v.effective_from) for v in versions] == [
            (1, date(2026, 1, 1)), (2, date(2026, 7, 1)),
        ]  # fmt: skip


def test_publish_scale_refuses_a_bad_file(app, tmp_path):
    runner = app.test_cli_runner()
    for bad in ({"effective_from": "soon"}, {"key": ""}, {"rates": {"worker": {}}}):
        result = runner.invoke(args=["salaries", "publish-scale", _file(tmp_path, **bad)])
        assert result.exit_code != 0 and "not published" in result.output, bad
    with app.app_context():
        assert shared_template_versions("salaries", "scale", "county") == []


def test_compare_reads_only_consenting_communities_and_audits(
    app, community, other_community, enable_plugin, in_community
):
    from core.models import AuditEntry

    enable_plugin(community, "salaries", share_budget=True)
    enable_plugin(other_community, "salaries")  # no consent
    for tenant in (community, other_community):
        with in_community(tenant):
            add_scale(date(2026, 1, 1))
            add_worker(start=date(2026, 1, 1))
    result = app.test_cli_runner().invoke(args=["salaries", "compare", "--year", "2026"])
    assert result.exit_code == 0, result.output
    assert "alpha\t1\t36,000.00" in result.output and "beta" not in result.output
    with in_community(community):
        assert db.session.execute(
            db.select(AuditEntry.action).where(AuditEntry.action == "salaries.budget_compared")
        ).scalar_one()
    with in_community(other_community):
        assert not db.session.execute(
            db.select(AuditEntry.id).where(AuditEntry.action == "salaries.budget_compared")
        ).first()
        assert db.session.execute(db.select(db.func.count(ScaleVersion.id))).scalar() == 1
        commit()
