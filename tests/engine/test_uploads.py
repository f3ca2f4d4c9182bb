"""Uploads end to end: `Runner.send_upload` checks a file against the waiting widget before it
stores anything, stores a fitting file under a random key in a real folder, and answers the
widget with its record; `send_answer` takes typed values and the transcript never holds a secret."""

from __future__ import annotations

import asyncio

import pytest

from bubble_lang.engine.durable import DurableConversation
from bubble_lang.engine.runner import Runner
from bubble_lang.engine.uploads import UploadStore, check_upload, clean_name, default_upload_folder
from bubble_lang.runtime.steps import Answer

UPLOAD_BOT = '''dialog main do
  cv = ask "Your CV?", expecting: input_method("upload", allowed_types: ["pdf"], max_size: 1000)
  say "Got #{cv.name} (#{cv.size} bytes)"
  pin = ask "PIN?", expecting: input_method("secret")
  say "Thanks"
end
'''


def texts(outputs) -> list[str]:
    return [o.text for o in outputs]


def test_send_upload_checks_then_stores_then_answers(make_bot, store, tmp_path):
    bot = make_bot(UPLOAD_BOT, "cv")
    folder = tmp_path / "uploads"

    async def main() -> None:
        async with Runner(bot, store) as runner:
            runner.uploads = UploadStore(folder)
            await runner.open("u1")
            too_big = await runner.send_upload("u1", "cv.pdf", "application/pdf", b"x" * 1001)
            assert "too big" in too_big[0].text and too_big[-1].text == "Your CV?"
            wrong = await runner.send_upload("u1", "../../etc/cv.exe", "application/x-msdownload", b"MZ")
            assert "not accepted" in wrong[0].text
            assert not folder.exists() or runner.uploads.keys() == []  # nothing stored for a refused file
            replies = await runner.send_upload("u1", "C:\\docs\\cv.pdf", "application/pdf", b"%PDF-1.4 hello")
            assert texts(replies) == ["Got cv.pdf (14 bytes)", "PIN?"]
            [key] = runner.uploads.keys()
            assert runner.uploads.read(key) == b"%PDF-1.4 hello"
            state = await runner.state("u1")
            assert state.globals["cv"] == {"name": "cv.pdf", "type": "application/pdf", "size": 14, "key": key}
            assert isinstance(await runner.waiting("u1"), Answer)
            await runner.send_answer("u1", "1234")
            transcript = store.transcript(runner.key("u1")) if hasattr(store, "transcript") else []
            assert "1234" not in repr([entry.input for entry in transcript])

    asyncio.run(main())


def test_an_upload_nobody_asked_for_is_not_stored(make_bot, tmp_path):
    bot = make_bot('dialog main do\n  ask "Name?"\n  say "Hi #{answer}"\nend\n', "plain")
    folder = tmp_path / "nothing"

    async def main() -> None:
        async with Runner(bot) as runner:
            runner.uploads = UploadStore(folder)
            await runner.open("u1")
            replies = await runner.send_upload("u1", "a.pdf", "application/pdf", b"data")
            assert "no question with a form or a control is open" in replies[0].text
            assert not folder.exists()
            assert texts(await runner.send_text("u1", "Ann")) == ["Hi Ann"]

    asyncio.run(main())


def test_the_default_upload_folder_is_beside_the_bot(make_bot, tmp_path):
    bot = make_bot(UPLOAD_BOT, "cv")
    assert default_upload_folder(bot) == tmp_path / ".bubble" / "uploads"


def test_upload_store_keys_are_random_and_refuse_paths(tmp_path):
    uploads = UploadStore(tmp_path)
    first, second = uploads.put(b"a"), uploads.put(b"a")
    assert first != second and len(first) == 32
    with pytest.raises(ValueError):
        uploads.path("../secret")
    assert sorted(uploads.keys()) == sorted([first, second])


@pytest.mark.parametrize(("types", "name", "mime", "fits"), [
    (["pdf"], "cv.PDF", "", True),
    ([".pdf"], "cv", "application/pdf", True),
    (["image/*"], "a.png", "image/png", True),
    (["image/png"], "a.png", "image/png; charset=x", True),
    (["image/*"], "a.pdf", "application/pdf", False),
    (["pdf"], "cv.pdf.exe", "application/octet-stream", False),
])
def test_check_upload_types(types, name, mime, fits):
    widget = {"kind": "upload", "types": types}
    assert (check_upload(widget, name, mime, 10) is None) is fits


def test_check_upload_size_and_widget():
    assert "too big" in check_upload({"kind": "upload", "max_size": 5}, "a.txt", "text/plain", 6)
    assert check_upload({"kind": "upload"}, "a.txt", "text/plain", 10**6) is None
    assert "too big" in check_upload({"kind": "upload"}, "a.txt", "text/plain", 10**9)  # the host's default cap
    assert check_upload({"kind": "text"}, "a.txt", "text/plain", 1) == "No question is waiting for a file."


def test_clean_name_keeps_only_the_last_part():
    assert clean_name("../../etc/passwd") == "passwd"
    assert clean_name("C:\\x\\cv.pdf") == "cv.pdf"
    assert clean_name("a\x00b.pdf") == "ab.pdf"


def test_durable_send_answer_redacts_secrets_in_the_transcript(make_bot, tmp_path):
    from bubble_lang.storage import open_store

    bot = make_bot('dialog main do\n  f = ask "Login", expecting: input_method("form", fields: '
                   '[%{name: "user"}, %{name: "pin", kind: "secret", label: "PIN"}])\n  say "Hi #{f.user}"\nend\n', "login")
    store = open_store(f"sqlite://{tmp_path / 's.sqlite'}", tmp_path, environ={})
    chat = DurableConversation(bot, store, "c1")
    chat.start()
    assert texts(chat.send_answer({"user": "ann", "PIN": "9876"})) == ["Hi ann"]
    entries = store.transcript(chat.key)
    assert entries[-1].input == {"kind": "answer", "value": {"user": "ann", "PIN": "[redacted]"}}
    store.close()
