"""The platform's contract check and the translations."""


def test_the_plugin_keeps_the_contract(plugin_contract):
    assert plugin_contract("salaries") == []


def test_every_text_is_translated(app):
    result = app.test_cli_runner().invoke(args=["plugins", "i18n", "salaries", "check"])
    assert result.exit_code == 0, result.output


def test_it_is_loaded_from_its_entry_point(plugin_status):
    status = plugin_status("salaries")
    assert status.status == "active" and status.distribution == "gongzhi"
