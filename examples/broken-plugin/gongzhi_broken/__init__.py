"""Deliberately broken: imports a module that does not exist."""

import gongzhi_module_that_does_not_exist  # noqa: F401
