"""A plugin that needs plugin API 2: the platform (API 1.x) must not load it."""

from core.plugin_api import PluginMeta

meta = PluginMeta(
    id="futurepoll",
    version="2.0.0",
    label={"zh_Hans": "未来投票", "en": "Future polls"},
    description={"zh_Hans": "需要插件接口 2.0。", "en": "Needs plugin API 2.0."},
    api=">=2.0,<3",
)
