"""The demo reproduces the seeds' figures on payslips: 珲春 正职十级 4,700; 旺苍 2,900 /
2,700 / 2,500 in a city and 2,600 / 2,400 / 2,200 in a town (集镇); 云龙 certificate
allowances 200 / 300."""

from __future__ import annotations

from datetime import date

from core.plugin_api import commit, db
from plugins.salaries import runs
from plugins.salaries.demo import WANGCANG_KEY
from plugins.salaries.models import Payslip, Run, ScaleVersion
from plugins.salaries.payroll import month_slips
from tests.plugins.salaries.helpers import add_worker, lines


def _demo(app):
    from core.demo import load_demo

    with app.app_context():
        for _line in load_demo():
            pass


def _slips_by_name(slug: str) -> dict[str, Payslip]:
    from core.plugin_api import Tenant, all_tenants, community_scope

    with all_tenants():
        tenant = db.session.execute(db.select(Tenant).where(Tenant.slug == slug)).scalar_one()
    with community_scope(tenant):
        rows = db.session.execute(
            db.select(Payslip).join(Run, Run.id == Payslip.run_id).where(Run.status == "approved")
        ).scalars()
        return {p.name: p for p in rows}


def test_the_demo_payslips_carry_the_seed_figures(app):
    _demo(app)
    with app.test_request_context():
        city = _slips_by_name("heyunlu")
        town = _slips_by_name("wangcang-dongcheng")
    head = lines(city["李书记"])
    assert (city["李书记"].post, city["李书记"].level, head["base"]) == ("secretary", 10, 470000)
    assert head["certificate"] == 30000
    assert lines(city["陈主任"])["certificate"] == 20000
    assert [lines(town[n])["base"] for n in ("孙书记", "赵主任", "刘社工")] == [
        260000, 240000, 220000,
    ]  # fmt: skip
    assert lines(town["孙书记"])["certificate"] == 30000
    assert lines(town["刘社工"])["certificate"] == 20000


def test_a_city_community_on_the_county_scale_pays_the_city_figures(app, salaries_on, in_community):
    _demo(app)  # publishes the county (旺苍) scale
    with in_community(salaries_on):
        db.session.add(ScaleVersion(effective_from=date(2020, 1, 1), template_key=WANGCANG_KEY))
        commit()
        ids = {post: add_worker(post, post=post, level=1, start=date(2026, 1, 1))
               for post in ("secretary", "director", "worker")}  # fmt: skip
        slips = {s.worker_id: lines(s) for s in month_slips(date(2026, 3, 1))}
    assert [slips[ids[p]]["base"] for p in ("secretary", "director", "worker")] == [
        290000, 270000, 250000,
    ]  # fmt: skip


def test_the_demo_run_is_locked_and_the_worker_reads_it(app, login):
    _demo(app)
    from core.models import User

    with app.app_context():
        staff = db.session.execute(
            db.select(User).where(User.email == "staff@heyunlu.demo")
        ).scalar_one()
        db.session.expunge(staff)
    client = login(staff, "gongzhi-demo")
    page = client.get("/c/heyunlu/salaries/").text
    assert "¥" in page
    assert client.get("/c/heyunlu/salaries/manage").status_code == 403
    assert runs  # the module the demo used
