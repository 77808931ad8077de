"""Built-in plugins. Each registers through the ``gongzhi.plugins`` entry point, exactly
as a third-party package does, and uses only ``core.plugin_api``."""
