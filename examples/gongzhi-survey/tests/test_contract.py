"""The platform's contract for plugins: metadata, API range, migrations up and down,
table prefixes, template namespace, disabled means 404 and no hooks; and our translations."""


def test_the_plugin_keeps_the_contract(plugin_contract):
    assert plugin_contract("survey") == []


def test_it_is_loaded_from_its_entry_point(plugin_status):
    status = plugin_status("survey")
    assert status.status == "active"
    assert status.distribution == "gongzhi-survey"


def test_every_text_is_translated(app):
    # flask plugins i18n survey check: texts without a translation, stale .mo files
    result = app.test_cli_runner().invoke(args=["plugins", "i18n", "survey", "check"])
    assert result.exit_code == 0, result.output
