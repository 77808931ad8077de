"""The survey's words: its own catalogue first, the platform's as the fallback.

Everywhere else in the package: ``from gongzhi_survey.i18n import _`` (or ``_l`` in forms).
"""

from core.plugin_api import translator

_, _l, ngettext, pgettext = translator("survey")
