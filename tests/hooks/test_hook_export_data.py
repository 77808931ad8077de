"""export_data: the plugin's tables appear as CSV files in /c/<slug>/export.zip."""

import io
import zipfile

import pytest

from core.plugin_api import ExportTable, current_tenant


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {
        "probe": make_probe(
            export_data=lambda: [
                ExportTable(
                    "readings",
                    ["id", "community", "value"],
                    [(1, current_tenant().slug, "水表 12")],
                )
            ]
        )
    }


def export(client) -> zipfile.ZipFile:
    response = client.get("/c/alpha/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_hook_export_data(app, community, admin_client, enable_plugin):
    assert "probe/readings.csv" not in export(admin_client).namelist()
    enable_plugin(community, "probe")
    archive = export(admin_client)
    assert "probe/readings.csv" in archive.namelist()
    content = archive.read("probe/readings.csv").decode("utf-8")
    assert content.startswith("\ufeff")  # BOM: Excel reads the Chinese correctly
    assert content.splitlines()[1:] == ["1,alpha,水表 12"]
