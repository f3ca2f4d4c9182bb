"""`mail to, subject, body` (the original's statement; the training course mails the order):
sent after its turn commits, to a real SMTP server on 127.0.0.1 (aiosmtpd), never when the turn
fails; checked addresses; the `[mail]` settings."""

from __future__ import annotations

import asyncio
from email import message_from_bytes
from pathlib import Path

import pytest

from bubble_lang.config import parse_config
from bubble_lang.diagnostics import BubbleError
from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.runner import Runner
from bubble_lang.source import SourceFile
from bubble_lang.storage import open_store

from tests.serve.conftest import free_port

BOT = '''
dialog main do
  order = ["margherita", "cola"]
  say "Your e-mail?"
end

dialog trigger: "send" do
  perform send_order
  say "Sent"
end

dialog trigger: "fail" do
  mail "ada@example.com", "Never", "This turn fails after it"
  say "#{1 / 0}"
end

dialog trigger: "bad" do
  mail "not an address", "Hi", "Body"
end

task send_order do
  summary = "Your order:\\n - #{join(order, "\\n - ")}"
  mail ["ada@example.com", "kitchen@example.com"], "Order\\nConfirmation", summary
end
'''


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("BUBBLE_SMTP_URL", f"smtp://127.0.0.1:{port}")
    yield inbox
    controller.stop()


def _bot(tmp_path: Path, toml: str = "") -> object:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "shop.bot").write_text(BOT)
    (folder / "bubble.toml").write_text('[bot]\ntitle = "Pizza Palace"\n' + toml)
    return load_bot(folder)


def _play(bot, *texts: str) -> list[list[str]]:
    async def main():
        store = open_store("memory", Path("."), environ={})
        async with Runner(bot, store) as runner:
            await runner.open("c1")
            said = [[o.summary() for o in await runner.send_text("c1", text)] for text in texts]
            await runner.idle()  # the mails of committed turns are out
            return said

    return asyncio.run(main())


def test_a_mail_is_sent_after_its_turn_commits(tmp_path, smtp):
    bot = _bot(tmp_path, '[mail]\nfrom = "Pizza Palace <orders@example.com>"\n')
    said = _play(bot, "send")
    assert said == [["(mail to ada@example.com, kitchen@example.com: Order Confirmation)", "Sent"]]
    ((sender, recipients, content),) = smtp.messages
    assert sender == "orders@example.com" and recipients == ["ada@example.com", "kitchen@example.com"]
    message = message_from_bytes(content)
    assert message["Subject"] == "Order Confirmation"  # one line: a newline never reaches a header
    assert message["From"] == "Pizza Palace <orders@example.com>"
    assert message.get_payload(decode=True).decode().splitlines() == ["Your order:", " - margherita", " - cola"]


def test_a_failed_turn_sends_nothing_and_a_bad_address_is_a_script_error(tmp_path, smtp):
    bot = _bot(tmp_path)
    said = _play(bot, "fail", "bad", "send")
    assert said[0] == ["Sorry, something went wrong on my side."]
    assert said[1] == ["Sorry, something went wrong on my side."]
    assert len(smtp.messages) == 1 and message_from_bytes(smtp.messages[0][2])["Subject"] == "Order Confirmation"
    assert smtp.messages[0][0] == "bubble@127.0.0.1"  # no `from`: the bot's title at the server's host


def test_without_a_server_the_conversation_goes_on(tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("BUBBLE_SMTP_URL", raising=False)
    bot = _bot(tmp_path)
    with caplog.at_level("INFO", logger="bubble.mail"):
        assert _play(bot, "send")[0][-1] == "Sent"
    assert any("not sent: no SMTP server" in record.getMessage() for record in caplog.records)


def test_a_server_that_cannot_be_reached_is_a_warning_without_the_mail(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("BUBBLE_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")
    bot = _bot(tmp_path)
    with caplog.at_level("INFO", logger="bubble.mail"):
        assert _play(bot, "send")[0][-1] == "Sent"
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 1 and "not sent" in warnings[0] and "ada@" not in warnings[0]


@pytest.mark.parametrize(("toml", "message"), [
    ('[mail]\nsmtp = "http://mail.example.com"\n', "`smtp` must be an smtp:// or smtps:// URL"),
    ('[mail]\nsmtp = "https://user:hunter2@mail.example.com"\n', 'not "https://…"'),  # never the password
    ('[mail]\nfrom = "orders"\n', "`from` must be an e-mail address"),
    ('[mail]\nfrom = "A <b@c.d>, e@f.g"\n', "`from` must be an e-mail address"),
    ('[mail]\nto = "x@y.z"\n', "unknown key `to`"),
])
def test_bad_mail_settings_are_reported(toml, message):
    with pytest.raises(BubbleError) as raised:
        parse_config(SourceFile("bubble.toml", toml))
    assert message in raised.value.diagnostics[0].message


def test_a_conversation_test_reads_mails_with_expect_mail(tmp_path):
    from tests.testing.helpers import failure_text, run_all

    results = run_all(tmp_path, 'dialog main do\n  mail "ada@example.com", "Your order", "Pizza margherita"\n'
                                '  say "Done"\nend\n', '''
test "the order mail" do
  expect "Done"
  expect_end
  expect mail: "margherita"
  expect_end
end

test "a mail that was not sent" do
  expect mail: "invoice"
end
''')
    assert results["the order mail"].passed, failure_text(results["the order mail"])
    failed = results["a mail that was not sent"]
    assert not failed.passed
    problem = failed.diagnostics[0]
    assert problem.code == "B480" and "expected mail" in problem.message
    assert "(mail to ada@example.com: Your order)" in "\n".join(problem.notes)
