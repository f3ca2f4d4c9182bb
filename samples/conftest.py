"""Lets plain `python -m pytest samples/` collect the `*.test.bot` files even before bubble is
installed (installed, the `pytest11` entry point registers the same plugin)."""


def pytest_configure(config):
    from bubble_lang.testing import pytest_plugin

    if not config.pluginmanager.is_registered(pytest_plugin):
        config.pluginmanager.register(pytest_plugin, "bubble")
