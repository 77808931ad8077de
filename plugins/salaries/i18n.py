"""The salaries plugin's words: its own catalogue first, core's as the fallback."""

from core.plugin_api import translator

_, _l, ngettext, pgettext = translator("salaries")
