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


@pytest.mark.slow
def test_the_template_renders_installs_passes_its_tests_and_is_listed(tmp_path):
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
    assert (project / "gongzhi_checkin" / "templates" / "checkin" / "index.html").exists()

    python = throwaway_venv(tmp_path / "venv")
    run(python, "-m", "pip", "install", "-q", "--no-deps", str(project), cwd=tmp_path)
    tests = run(python, "-m", "pytest", "-q", "-p", "no:warnings", cwd=project)
    assert "2 passed" in tests.stdout

    listing = run(
        python,
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


@pytest.fixture
def gongzhi_extra_plugins(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "index.html").write_text("<p>shadows core</p>")
    return {"careless": _Careless(tmp_path / "templates")}


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
