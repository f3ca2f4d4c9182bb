"""Sending what `mail to, subject, body` wrote (layer 9), once its turn has committed.

Input: a committed turn's `mail` outputs (`vm/ops_talk.mail` checked the addresses and made the
subject one line) and the bot's `[mail]` settings (`BUBBLE_SMTP_URL` wins over `smtp`). Output:
one SMTP session per turn with a mail: `smtps://` speaks TLS from the start, `smtp://` upgrades
with STARTTLS when the server offers it, and logs in when the URL holds a user. Python's
`smtplib` and `email` do the protocol and the encoding (a header never takes a newline).

Choices (docs/runtime-choices.md): a turn that fails sends nothing (its outputs are rolled
back); a mail is sent at most once — after the commit, by the process that played the turn — so
a crash in between loses it rather than sending it twice; a server that refuses or cannot be
reached is logged as a warning with its reply code, never the addresses, subject or body (they
are what users typed). Without a server the mail is logged as not sent and the conversation goes
on: `bubble run` shows it in the transcript all the same.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import unquote, urlsplit

from ..config import MailConfig
from ..runtime.outputs import Output

log = logging.getLogger("bubble.mail")
SMTP_SECONDS = 20.0


def smtp_url(config: MailConfig) -> str | None:
    return os.environ.get("BUBBLE_SMTP_URL") or config.smtp


def send_mails(config: MailConfig, outputs: list[Output], bot_title: str) -> int:
    """Send the `mail` outputs of one turn (blocking: run it in a thread); how many went out."""
    mails = [output for output in outputs if output.kind == "mail"]
    url = smtp_url(config)
    if not mails:
        return 0
    if url is None:
        log.info("%d mail(s) not sent: no SMTP server ([mail] smtp in bubble.toml, or BUBBLE_SMTP_URL)", len(mails))
        return 0
    parts = urlsplit(url)
    secure = parts.scheme == "smtps"
    host, port = parts.hostname or "localhost", parts.port or (465 if secure else 25)
    sender = config.sender or f"{bot_title} <bubble@{host}>"
    try:
        with (smtplib.SMTP_SSL(host, port, timeout=SMTP_SECONDS, context=ssl.create_default_context()) if secure
              else smtplib.SMTP(host, port, timeout=SMTP_SECONDS)) as client:
            client.ehlo()
            if not secure and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if parts.username:
                client.login(unquote(parts.username), unquote(parts.password or ""))
            for output in mails:
                client.send_message(_message(output, sender))
    except (OSError, smtplib.SMTPException) as error:
        code = getattr(error, "smtp_code", None)
        log.warning("%d mail(s) not sent: the SMTP server at %s:%d %s", len(mails), host, port,
                    f"answered {code}" if code else f"could not be used ({type(error).__name__})")
        return 0
    return len(mails)


def _message(output: Output, sender: str) -> EmailMessage:
    data = output.data
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(data["to"])
    message["Subject"] = data["subject"]
    message["Message-ID"] = make_msgid(domain="bubble.invalid")
    message.set_content(data["body"])
    return message
