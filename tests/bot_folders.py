"""A bot from inline text for the tests: a single `.bot` file, or — when the script calls extension
servers (`server: "name"`) — a folder whose bubble.toml configures each of them (SPEC §11 makes an
unconfigured server a compile error). The URL points at a closed port: these tests give the host
their own extension adapter, and a call that reached the network would fail, not hang."""

from __future__ import annotations

import re
from pathlib import Path

SERVER = re.compile(r'server:\s*"([A-Za-z_][A-Za-z0-9_]*)"')
CLOSED = "http://127.0.0.1:9"


def write_bot(folder: Path, name: str, text: str) -> Path:
    """The path to load: `folder/name.bot`, or `folder/name/` with a bubble.toml."""
    servers = sorted(set(SERVER.findall(text)))
    if not servers:
        path = folder / f"{name}.bot"
        path.write_text(text, encoding="utf-8")
        return path
    bot = folder / name
    bot.mkdir(parents=True, exist_ok=True)
    (bot / f"{name}.bot").write_text(text, encoding="utf-8")
    (bot / "bubble.toml").write_text("".join(f'[extensions.{server}]\nurl = "{CLOSED}"\n' for server in servers),
                                     encoding="utf-8")
    return bot
