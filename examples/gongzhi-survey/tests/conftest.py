"""The fixtures come from ``gongzhi.testing``, installed with the platform (pytest11).

We only say which plugins the test app loads: ours, and nothing else.
"""

import pytest


@pytest.fixture
def gongzhi_plugins():
    return ["survey"]
