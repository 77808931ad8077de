"""Fixtures come from ``gongzhi.testing`` (core/testing/__init__.py), the same ones vendors use.

Here only what is specific to this repository: Playwright's Chromium is Debian's.
"""

import pytest

from core.testing import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}
