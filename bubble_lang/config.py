"""`bubble.toml` to `Config` (layer 2).

Input: the text of a bot's `bubble.toml`. Output: a validated `Config`, or `BubbleUsageError`
with the file, line and column of a bad key. Unknown sections and keys are errors, so a typo
never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from typing import Any

import attrs

from .diagnostics import BubbleUsageError, make_diagnostic
from .limits import DEFAULT_LIMITS, Limits
from .source import SourceFile


@attrs.frozen(kw_only=True)
class ExtensionServer:
    name: str
    url: str


@attrs.frozen(kw_only=True)
class Config:
    """Bot configuration; every field has a default so a bot needs no `bubble.toml`."""

    limits: Limits = DEFAULT_LIMITS
    extensions: tuple[ExtensionServer, ...] = ()
    store: str | None = None
    locale: str = "en"
    timezone: str = "UTC"
    error_text: str = "Sorry, something went wrong on my side."


DEFAULT_CONFIG = Config()
_TOP_KEYS = {"limits", "extensions", "storage", "bot"}
_BOT_KEYS = {"locale", "timezone", "error_text"}


def _locate(source: SourceFile, needle: str) -> int:
    index = source.text.find(needle)
    return max(index, 0)


def parse_config(source: SourceFile) -> Config:
    """Validate and read a `bubble.toml`."""

    def fail(message: str, needle: str, hint: str) -> BubbleUsageError:
        at = _locate(source, needle)
        return BubbleUsageError([make_diagnostic("B503", message, source.span(at, at + max(len(needle), 1)), hint=hint)])

    try:
        data: dict[str, Any] = tomllib.loads(source.text)
    except tomllib.TOMLDecodeError as error:
        line = getattr(error, "lineno", 1) or 1
        column = getattr(error, "colno", 1) or 1
        offset = source.line_starts[min(line, source.line_count) - 1] + column - 1
        message = str(error).split(" (at ")[0]
        raise BubbleUsageError([make_diagnostic("B503", f"invalid TOML: {message.lower()}",
                                                source.span(offset, offset + 1),
                                                hint="fix the syntax at the caret")]) from None
    for key in data:
        if key not in _TOP_KEYS:
            raise fail(f"unknown section `{key}`", key, f"use one of {', '.join(sorted(_TOP_KEYS))}")
    limits = DEFAULT_LIMITS
    if "limits" in data:
        fields = {field.name: field for field in attrs.fields(Limits)}
        changes: dict[str, Any] = {}
        for key, value in data["limits"].items():
            if key not in fields:
                raise fail(f"unknown limit `{key}`", key, "see docs/configuration.md for the limit names")
            default = getattr(DEFAULT_LIMITS, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0 \
                    or (isinstance(default, int) and not isinstance(value, int)):
                raise fail(f"limit `{key}` must be a positive {type(default).__name__}", key,
                           f"write a number like `{key} = {default}`")
            changes[key] = value
        limits = attrs.evolve(DEFAULT_LIMITS, **changes)
    servers = []
    for name, table in data.get("extensions", {}).items():
        if not isinstance(table, dict) or not isinstance(table.get("url"), str):
            raise fail(f"extension server `{name}` needs a `url`", name, 'write `url = "http://127.0.0.1:8770"`')
        servers.append(ExtensionServer(name=name, url=table["url"]))
    store = data.get("storage", {}).get("url") if isinstance(data.get("storage"), dict) else None
    bot = data.get("bot", {})
    for key in bot:
        if key not in _BOT_KEYS:
            raise fail(f"unknown key `{key}` in `[bot]`", key, f"use one of {', '.join(sorted(_BOT_KEYS))}")
    return Config(limits=limits, extensions=tuple(servers), store=store,
                  locale=bot.get("locale", "en"), timezone=bot.get("timezone", "UTC"),
                  error_text=bot.get("error_text", Config().error_text))
