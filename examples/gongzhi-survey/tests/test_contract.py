"""The platform's contract for plugins: metadata, API range, migrations up and down,
table prefixes, template namespace, disabled means 404 and no hooks."""

import subprocess
import sys
from pathlib import Path


def test_the_plugin_keeps_the_contract(plugin_contract):
    assert plugin_contract("survey") == []


def test_it_is_loaded_from_its_entry_point(app):
    record = app.extensions["gongzhi.plugins"].get("survey")
    assert record.status == "active"
    assert record.distribution == "gongzhi-survey"


def test_every_text_is_translated():
    script = Path(__file__).resolve().parents[1] / "i18n.py"
    result = subprocess.run([sys.executable, str(script), "check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
