"""figure_kinds: declared figures become the offices' columns; a figure outside the
plugin's namespace fails its load."""

import pytest

from core.plugin_api import FigureKind
from core.plugins.host import PluginLoadError

KIND = FigureKind("probe.visits", {"zh_Hans": "来访", "en": "Visits"}, public=True, order=5)


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {"probe": make_probe(figure_kinds=lambda: [KIND])}


def test_hook_figure_kinds(app):
    from core.offices.figures import kinds

    assert app.extensions["gongzhi.plugins"].figure_kinds["probe.visits"] == KIND
    with app.app_context():
        assert KIND in kinds()


def test_a_figure_outside_the_namespace_fails_the_load(make_probe):
    from core.plugins.host import PluginHost

    host = PluginHost(strict=True)
    wrong = FigureKind("other.visits", {"zh_Hans": "别人的", "en": "Someone else's"})
    with pytest.raises(PluginLoadError, match="other.visits"):
        host.add("probe", make_probe(figure_kinds=lambda: [wrong]))


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="unit"):
        FigureKind("probe.x", {"zh_Hans": "x", "en": "x"}, unit="litres")
