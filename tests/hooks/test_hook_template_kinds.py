"""template_kinds: declared kinds become the offices' templates; a kind outside the
plugin's namespace fails its load; the office's text goes through the plugin's parse."""

import pytest

from core.plugin_api import BadTemplate, TemplateKind
from core.plugins.host import PluginLoadError


def _parse(text: str) -> dict:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        raise BadTemplate("no question")
    return {"questions": lines}


KIND = TemplateKind(
    "probe.questions",
    {"zh_Hans": "问卷题目", "en": "Questions"},
    {"zh_Hans": "每行一题", "en": "One question a line"},
    parse=_parse,
    text=lambda payload: "\n".join(payload["questions"]),
)


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {"probe": make_probe(template_kinds=lambda: [KIND])}


def test_hook_template_kinds(app):
    from core.offices import templates_down

    assert app.extensions["gongzhi.plugins"].template_kinds["probe.questions"] == KIND
    with app.app_context():
        assert KIND in templates_down.kinds()
        assert templates_down.kind("probe.questions") is KIND
        assert templates_down.split(KIND) == ("probe", "questions")


def test_a_kind_outside_the_namespace_fails_the_load(make_probe):
    from core.plugins.host import PluginHost

    host = PluginHost(strict=True)
    wrong = TemplateKind("other.x", {"zh_Hans": "x", "en": "x"}, {"zh_Hans": "x", "en": "x"},
                         parse=_parse, text=str)  # fmt: skip
    with pytest.raises(PluginLoadError, match="other.x"):
        host.add("probe", make_probe(template_kinds=lambda: [wrong]))


def test_the_offices_text_is_parsed_by_the_plugin(app, town, login):
    east = login(town["people"]["east"])
    bad = east.post("/o/east/templates/probe.questions",
                    data={"text": "   ", "effective_from": "2026-12-01"})  # fmt: skip
    assert bad.status_code == 422
    questions = {"text": "几点开门？\n在哪停车？", "effective_from": "2026-12-01"}
    good = east.post("/o/east/templates/probe.questions", data=questions)
    assert good.status_code == 303
    page = east.get("/o/east/templates/probe.questions").get_data(as_text=True)
    assert "几点开门？\n在哪停车？" in page
