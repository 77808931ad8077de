"""community_figures: called per community and month in that community's own scope by the
figures job; only declared integer figures of enabled plugins are stored."""

from datetime import date

import pytest

from core.extensions import db
from core.offices import figures
from core.plugin_api import FigureKind, current_tenant_id
from tenants.context import all_tenants

CALLS = []


def _figures(tenant, start, end):
    CALLS.append((tenant.id, current_tenant_id(), start, end))
    return {"probe.visits": 7, "probe.undeclared": 1, "probe.text": "x"}


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    kinds = [
        FigureKind("probe.visits", {"zh_Hans": "来访", "en": "Visits"}),
        FigureKind("probe.text", {"zh_Hans": "文本", "en": "Text"}),
    ]
    return {"probe": make_probe(figure_kinds=lambda: kinds, community_figures=_figures)}


def test_hook_community_figures(app, community, other_community, enable_plugin):
    CALLS.clear()
    enable_plugin(community, "probe")
    month = date(2026, 2, 1)
    with app.test_request_context():
        figures.refresh(community, [month])
        figures.refresh(other_community, [month])  # probe is off there: not called
        with all_tenants():
            table = figures.table([community.id, other_community.id], month)
    assert [(c[0], c[1]) for c in CALLS] == [(community.id, community.id)]
    _, _, start, end = CALLS[0]
    assert (start.isoformat(), end.isoformat()) == (
        "2026-02-01T00:00:00+08:00",
        "2026-03-01T00:00:00+08:00",
    )
    assert table == {community.id: {"probe.visits": 7}, other_community.id: {}}
    # A second refresh replaces the month's figures instead of adding to them.
    with app.test_request_context():
        figures.refresh(community, [month])
        with all_tenants():
            assert (
                db.session.scalar(
                    db.select(db.func.count()).select_from(figures.FigureSnapshot.__table__)
                )
                == 1
            )
