"""Fixtures for the requests plugin: uploads in a temporary folder, the plugin switched on."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["REQUESTS_UPLOAD_DIR"] = str(tmp_path / "uploads")


@pytest.fixture
def requests_on(community, enable_plugin):
    enable_plugin(community, "requests")
    return community
