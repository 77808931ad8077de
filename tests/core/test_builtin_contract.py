"""The built-in plugins keep the same contract a vendor's plugin is checked against."""

import pytest


@pytest.mark.parametrize("plugin_id", ["notices", "requests"])
def test_builtin_plugin_keeps_the_contract(plugin_contract, plugin_id):
    assert plugin_contract(plugin_id) == []
