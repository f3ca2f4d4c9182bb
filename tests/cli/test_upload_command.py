"""`/upload PATH` in the terminal: the file goes through `Runner.send_upload` (checked, then stored
beside the bot under a random key)."""

from __future__ import annotations

import asyncio
import io

import pendulum

from bubble_lang.cli.chat_session import ChatSession
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.engine.uploads import UploadStore, default_upload_folder
from bubble_lang.storage import MemoryStore

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")
BOT = '''dialog main do
  cv = ask "Your CV?", expecting: input_method("upload", types: ["pdf"])
  say "Got #{cv.name}"
end
'''


def test_upload_command_sends_the_file(tmp_path):
    bot_path = tmp_path / "cv.bot"
    bot_path.write_text(BOT, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "cv.pdf").write_bytes(b"%PDF-1.4")
    shown: list[str] = []

    async def main() -> None:
        async with Runner(load_bot(bot_path), MemoryStore(), clock=lambda: NOW) as runner:
            session = ChatSession(runner, "tty", lambda lines, kind: shown.extend(lines), io.StringIO())
            await session.begin()
            await session.command("/upload")
            await session.command(f"/upload {tmp_path / 'photo.png'}")
            await session.command(f"/upload {tmp_path / 'cv.pdf'}")

    asyncio.run(main())
    assert any(line.startswith("usage: /upload PATH") for line in shown)
    assert any("not accepted" in line for line in shown)
    assert "Got cv.pdf" in shown
    stored = UploadStore(default_upload_folder(load_bot(bot_path)))
    assert [stored.read(key) for key in stored.keys()] == [b"%PDF-1.4"]
