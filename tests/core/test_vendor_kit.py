"""The vendor kit works from the outside: the project template renders, installs, passes
its own tests and shows up in ``flask plugins list``; Stripe payloads verify with the
official library; the contract check finds what it promises to find."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import stripe
from flask_wtf import FlaskForm
from wtforms import StringField

ROOT = Path(__file__).resolve().parents[2]


# ----- the project template --------------------------------------------------------------
def throwaway_venv(where: Path) -> Path:
    """A venv that sees this project's venv (the platform and its dependencies) through a
    .pth file, so installing a plugin there leaves the project's environment untouched."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    base = sysconfig.get_paths()["purelib"]
    Path(purelib, "_gongzhi_base.pth").write_text(f"import site; site.addsitedir({base!r})\n")
    return python


def run(*args, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    # SQLite in a temporary folder, never the suite's PostgreSQL (its schema is dropped).
    environ = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TEST_DATABASE_URL")
    }
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env={**environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
    )
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


# What a vendor adds to the template in the acceptance test: a second table, a widget with
# its own words, a download route and the tests for them.
MODELS = """from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import (
    TenantScoped,
    UTCDateTime,
    db,
    member_column,
    tenant_foreign_key,
    utcnow,
)


class Item(TenantScoped, db.Model):
    __tablename__ = "checkin_item"

    title: Mapped[str] = mapped_column(sa.String(120))
    created_by_id: Mapped[int | None] = member_column()


class Visit(TenantScoped, db.Model):
    __tablename__ = "checkin_visit"
    __tenant_table_args__ = (tenant_foreign_key("item_id", "checkin_item", ondelete="CASCADE"),)

    item_id: Mapped[int] = mapped_column()
    visitor: Mapped[str] = mapped_column(sa.String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
"""
VIEWS = """

from flask_login import current_user

from core.plugin_api import csv_response, current_tenant, to_local, xlsx_response
from gongzhi_checkin.models import Visit


@bp.route("/<int:item_id>/visit", methods=["POST"])
def visit(item_id: int):
    db.get_or_404(Item, item_id)
    db.session.add(Visit(item_id=item_id, visitor=current_user.name))
    commit()
    return redirect(url_for("checkin.index"))


@bp.route("/visits.<any(csv, xlsx):fmt>")
@requires("checkin.manage")
def visits(fmt: str):
    found = db.session.execute(
        db.select(Item.title, Visit.visitor, Visit.at)
        .join(Item, Item.id == Visit.item_id)
        .order_by(Visit.id)
    ).all()
    zone = current_tenant().timezone
    rows = [(title, who, to_local(at, zone).strftime("%Y-%m-%d %H:%M")) for title, who, at in found]
    respond = csv_response if fmt == "csv" else xlsx_response
    return respond(f"visits.{fmt}", [_("Item"), _("Visitor"), _("Time")], rows)
"""
WIDGET = """

from core.plugin_api import Widget, db, render


@hookimpl
def dashboard_widgets():
    from gongzhi_checkin.models import Visit

    def show():
        count = db.session.execute(db.select(db.func.count(Visit.id))).scalar()
        return render("checkin/_widget.html", count=count)

    return [Widget("visits", {"zh_Hans": "到访", "en": "Visits"}, show)]
"""
WIDGET_TEMPLATE = (
    '<p class="checkin-visits">{{ ngettext("%(num)d visit", "%(num)d visits", count) }}</p>\n'
)
ZH_HANS = {
    '"Item"': "项目",
    '"Visitor"': "到访人",
    '"Time"': "到访时间",  # core says 时间 for "Time": ours never changes it, nor core ours
    '"%(num)d visit"\nmsgid_plural "%(num)d visits"': "共 %(num)d 次到访",
}
VISIT_TESTS = """from core.plugin_api import db
from core.testing import read_csv, read_xlsx
from gongzhi_checkin.models import Item


def test_visits_show_on_the_dashboard_and_download(
    community, enable_plugin, staff_client, member_client, in_community
):
    enable_plugin(community, "checkin")
    staff_client.post("/c/alpha/checkin/", data={"title": "社区食堂"})
    with in_community(community):
        item_id = db.session.execute(db.select(Item.id)).scalar_one()
    assert member_client.post(f"/c/alpha/checkin/{item_id}/visit").status_code == 302

    dashboard = member_client.get("/c/alpha/").get_data(as_text=True)
    assert "到访" in dashboard and "共 1 次到访" in dashboard
    rows = read_xlsx(staff_client.get("/c/alpha/checkin/visits.xlsx"))
    assert rows[0] == ["项目", "到访人", "到访时间"]
    assert rows[1][:2] == ["社区食堂", "Alpha Member"]
    assert read_csv(staff_client.get("/c/alpha/checkin/visits.csv"))[1][:2] == rows[1][:2]
    assert member_client.get("/c/alpha/checkin/visits.csv").status_code == 403
"""


@pytest.mark.slow
def test_a_vendor_grows_the_template_into_a_plugin_that_passes_its_tests_and_the_contract(
    tmp_path,
):
    """The issue-17 acceptance: render the template, add a second table and its migration
    with ``flask plugins migrate``, a translation, a widget and a download route; install it
    in a fresh virtual environment; its own tests and the contract check pass."""
    from copier import run_copy

    project = tmp_path / "gongzhi-checkin"
    run_copy(
        str(ROOT / "examples" / "plugin-template"),
        str(project),
        data={"plugin_id": "checkin", "label_zh": "双报到", "label_en": "Check-in"},
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    package = project / "gongzhi_checkin"
    versions = package / "migrations" / "versions"
    assert (package / "templates" / "checkin" / "index.html").exists()
    assert (package / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.mo").exists()

    # Development: an editable install, a development database, the platform's commands.
    dev = throwaway_venv(tmp_path / "dev")
    run(dev, "-m", "pip", "install", "-q", "--no-deps", "-e", project, cwd=tmp_path)
    environ = {
        "PYTHONPATH": str(ROOT),  # this checkout's platform, whatever the base venv points at
        "GONGZHI_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/dev.db",
        "GONGZHI_PLUGINS": "checkin",
    }

    def flask(*args, check=True):
        command = [dev, "-m", "flask", "--app", ROOT / "wsgi.py", *args]
        if check:
            return run(*command, cwd=tmp_path, env=environ)
        return subprocess.run(
            [str(a) for a in command],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env={**os.environ, **environ},
        )

    # The template's first migration, regenerated: the command starts the branch itself.
    (versions / "checkin_0001_tables.py").unlink()
    flask("db", "upgrade")
    assert "wrote" in flask("plugins", "migrate", "checkin", "-m", "tables").stdout
    first = (versions / "checkin_0001_tables.py").read_text()
    core_head = sorted(
        p.stem.split("_")[0] for p in (ROOT / "migrations" / "versions").glob("0*.py")
    )[-1]
    assert "branch_labels = ('checkin',)" in first and f"depends_on = '{core_head}_core'" in first
    flask("db", "upgrade")

    # A second table: its migration continues the branch.
    (package / "models.py").write_text(MODELS)
    early = flask("plugins", "migrate", "checkin", "-m", "visits", check=False)
    assert early.returncode == 0, early.stdout + early.stderr
    second = (versions / "checkin_0002_visits.py").read_text()
    assert "down_revision = 'checkin_0001'" in second and "'checkin_visit'" in second
    assert "branch_labels = None" in second
    flask("db", "upgrade")
    again = flask("plugins", "migrate", "checkin", "-m", "nothing", check=False)
    assert again.returncode == 1 and "no changes" in again.stderr

    # A widget, a download route and their words.
    with (package / "views.py").open("a") as fh:
        fh.write(VIEWS)
    with (package / "__init__.py").open("a") as fh:
        fh.write(WIDGET)
    (package / "templates" / "checkin" / "_widget.html").write_text(WIDGET_TEMPLATE)
    (project / "tests" / "test_visits.py").write_text(VISIT_TESTS)
    flask("plugins", "i18n", "checkin", "update")
    todo = flask("plugins", "i18n", "checkin", "check", check=False)
    assert todo.returncode == 1 and "zh_Hans: Visitor" in todo.stdout
    po = package / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    for msgid, translation in ZH_HANS.items():
        empty = "msgstr[0]" if "msgid_plural" in msgid else "msgstr"
        assert f'msgid {msgid}\n{empty} ""' in text, msgid
        text = text.replace(f'msgid {msgid}\n{empty} ""', f'msgid {msgid}\n{empty} "{translation}"')
    po.write_text(text, encoding="utf-8")
    flask("plugins", "i18n", "checkin", "compile")
    assert "all translated" in flask("plugins", "i18n", "checkin", "check").stdout

    # Shipped: a wheel in a fresh environment, tested from outside the source tree (-P: the
    # project folder is not on sys.path), deprecations as errors (its pyproject says so).
    fresh = throwaway_venv(tmp_path / "fresh")
    run(fresh, "-m", "pip", "install", "-q", "--no-deps", project, cwd=tmp_path)
    platform = {"PYTHONPATH": str(ROOT)}
    tests = run(fresh, "-P", "-B", "-m", "pytest", "-q", cwd=project, env=platform)
    assert "5 passed" in tests.stdout, tests.stdout  # with the contract check and i18n check
    where = run(
        fresh, "-P", "-c", "import gongzhi_checkin; print(gongzhi_checkin.__file__)", cwd=project
    )
    assert "site-packages" in where.stdout

    listing = run(
        fresh,
        "-m",
        "flask",
        "--app",
        ROOT / "wsgi.py",
        "plugins",
        "list",
        cwd=tmp_path,
        env={"GONGZHI_INSTANCE": str(tmp_path / "instance")},
    ).stdout
    line = next(row for row in listing.splitlines() if row.startswith("checkin "))
    assert "0.1.0" in line and "active" in line
    # Nothing was installed into this environment.
    assert "checkin" not in {ep.name for ep in _entry_points()}


def _entry_points():
    from importlib.metadata import entry_points

    return entry_points(group="gongzhi.plugins")


# ----- Stripe -----------------------------------------------------------------------------
def test_signed_stripe_events_verify_with_the_stripe_library(signed_stripe_event):
    webhook = signed_stripe_event(
        "checkout.session.completed", {"id": "cs_test_1", "amount_total": 12_000}
    )
    event = stripe.Webhook.construct_event(
        webhook.payload, webhook.headers["Stripe-Signature"], webhook.secret
    )
    assert event["type"] == "checkout.session.completed"
    assert event["data"]["object"]["amount_total"] == 12_000


def test_a_wrong_secret_or_an_old_timestamp_is_refused(signed_stripe_event):
    wrong = signed_stripe_event("invoice.paid", {"id": "in_1"}, secret="whsec_someone_else")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            wrong.payload, wrong.headers["Stripe-Signature"], "whsec_gongzhi_test"
        )
    old = signed_stripe_event("invoice.paid", {"id": "in_1"}, timestamp=1_600_000_000)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(
            old.payload, old.headers["Stripe-Signature"], old.secret, tolerance=300
        )


# ----- the contract check finds problems -------------------------------------------------
class _Careless:
    """A plugin breaking the contract: unbounded API range, no English label, a template
    outside its namespace."""

    def __init__(self, template_root: Path) -> None:
        from flask import Blueprint

        from core.plugin_api import PluginMeta, hookimpl

        self.meta = PluginMeta(
            id="careless",
            version="one",
            label={"zh_Hans": "马虎"},
            description={"zh_Hans": "马虎", "en": "Careless"},
            api=">=1.0",
        )
        bp = Blueprint("careless", __name__, template_folder=str(template_root))
        bp.add_url_rule("/", "index", lambda: "hi")
        self.register_blueprints = hookimpl(lambda: [bp])


class CarelessForm(FlaskForm):
    """A form that skips BaseForm: control characters and odd digits would get through."""

    name = StringField("Name")


@pytest.fixture
def gongzhi_plugins():
    return []


class _Routy:
    """A plugin with a route for every converter, bounds, defaults and other methods."""

    def __init__(self) -> None:
        from flask import Blueprint
        from werkzeug.routing import BaseConverter

        from core.plugin_api import PluginMeta, hookimpl

        class Plate(BaseConverter):  # a converter of the plugin's own that no sample fits
            regex = r"[A-Z]{2}-\d{5}"

        self.meta = PluginMeta(
            id="routy",
            version="1.0",
            label={"zh_Hans": "路由", "en": "Routes"},
            description={"zh_Hans": "路由", "en": "Routes"},
        )
        bp = Blueprint("routy", __name__)
        bp.record_once(lambda state: state.app.url_map.converters.update(plate=Plate))
        view = lambda **values: "answered"  # noqa: E731
        for rule, options in [
            ("/export.<any(csv, xlsx):fmt>", {}),
            ("/files/<path:rest>", {}),
            ("/keys/<uuid:key>", {}),
            ("/floors/<int(min=5, max=9):floor>", {}),
            ("/rows/<int(fixed_digits=4):row>", {}),
            ("/ids/<int:item_id>", {}),  # the app's int: bounded to a BIGINT
            ("/weights/<float:kg>", {}),
            ("/codes/<string(length=6):code>", {}),
            ("/list/", {"defaults": {"page": 1}}),
            ("/list/<int:page>", {}),
            ("/items/<int:item_id>", {"methods": ["DELETE"]}),
            ("/cars/<plate:plate>", {}),
        ]:
            bp.add_url_rule(rule, rule.split("/")[1].split(".")[0], view, **options)
        self.register_blueprints = hookimpl(lambda: [bp])


@pytest.fixture
def gongzhi_extra_plugins(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "index.html").write_text("<p>shadows core</p>")
    return {"careless": _Careless(tmp_path / "templates"), "routy": _Routy()}


def test_the_contract_check_reports_each_problem(plugin_contract):
    problems = "\n".join(plugin_contract("careless"))
    assert "version 'one' is not a valid PEP 440 version" in problems
    assert "meta.label: needs labels for both zh_Hans and en" in problems
    assert "has no upper bound" in problems
    assert "template 'index.html' must be under careless/" in problems
    assert "form test_vendor_kit.CarelessForm must derive from core.plugin_api.BaseForm" in problems
    assert "404" not in problems  # the guard still hides its route where it is off


def test_a_missing_plugin_is_a_problem_not_a_crash(plugin_contract):
    assert plugin_contract("nosuch") == [
        "nosuch: not installed or not loaded (check the gongzhi.plugins entry point)"
    ]


def test_the_contract_check_builds_a_url_for_every_route_shape(app, plugin_contract):
    from core.testing.contract import _plugin_urls

    with app.test_request_context():
        urls, problems = _plugin_urls(app, "routy", "somewhere")
    assert sorted(urls) == [
        ("DELETE", "/c/somewhere/routy/items/1"),
        ("GET", "/c/somewhere/routy/codes/111111"),
        ("GET", "/c/somewhere/routy/export.csv"),
        ("GET", "/c/somewhere/routy/files/1"),
        ("GET", "/c/somewhere/routy/floors/5"),
        ("GET", "/c/somewhere/routy/ids/1"),
        ("GET", "/c/somewhere/routy/keys/00000000-0000-0000-0000-000000000001"),
        ("GET", "/c/somewhere/routy/list/"),
        ("GET", "/c/somewhere/routy/list/1"),
        ("GET", "/c/somewhere/routy/rows/1111"),
        ("GET", "/c/somewhere/routy/weights/1.0"),
    ]
    # Every one of them answers 404 where the plugin is off; the one route it cannot build a
    # URL for is a finding with the reason, not a crash.
    assert [p for p in plugin_contract("routy") if not p.startswith("form ")] == [
        "disabled: route '/c/<tenant>/routy/cars/<plate:plate>' (routy.cars) not checked: the "
        "contract check could not build a URL for it: ValueError: no sample value fits Plate "
        "('[A-Z]{2}-\\\\d{5}')"
    ]


def test_a_part_of_the_check_that_breaks_is_a_finding_not_a_crash(monkeypatch, plugin_contract):
    from core.testing import contract

    def broken(*args):
        raise KeyError("surprise")

    monkeypatch.setattr(contract, "_template_problems", broken)
    monkeypatch.setattr(contract, "_plugin_urls", broken)
    assert [p for p in plugin_contract("routy") if not p.startswith("form ")] == [
        "templates: the check could not run: KeyError: 'surprise'",
        "disabled: the check could not run: KeyError: 'surprise'",
    ]
