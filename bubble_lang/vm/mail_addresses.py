"""Who a `mail` statement may write to (layer 7): the `to` of `mail to, subject, body` checked
before anything is sent.

`to` is one address, a text of several separated by commas or semicolons, or a list of them.
Each must look like an address (one `@`, a dot in the domain, no spaces or angle brackets: no
display names, which could smuggle in more recipients), at most 254 characters, and a mail goes
to at most `MAX_RECIPIENTS`. A wrong one is a script error at the `mail` line, never a mail
half sent.
"""

from __future__ import annotations

import re
from typing import Any

from ..runtime.script_errors import ScriptError
from ..runtime.values import plain_text, to_text

MAX_RECIPIENTS = 50
MAX_SUBJECT = 998  # RFC 5322's line length
_ADDRESS = re.compile(r"[^@\s<>,;\"()\[\]\\]+@[^@\s<>,;\"()\[\]\\]+\.[^@\s<>,;\"()\[\]\\.]+")


def mail_addresses(to: Any) -> list[str]:
    """The recipients of `to`, checked (see the module docstring)."""
    items = to if isinstance(to, list) else [to]
    found: list[str] = []
    for item in items:
        if item is None:
            continue
        found.extend(part.strip() for part in re.split(r"[,;]", to_text(plain_text(item))) if part.strip())
    if not found:
        raise ScriptError("`mail` has no address to send to", "give an e-mail address, like `mail user.email, …`")
    for address in found:
        if len(address) > 254 or not _ADDRESS.fullmatch(address):
            raise ScriptError(f"`mail` cannot send to {address[:80]!r}: it is not an e-mail address",
                              "give addresses like ada@example.com (without a name in front)")
    if len(found) > MAX_RECIPIENTS:
        raise ScriptError(f"`mail` goes to at most {MAX_RECIPIENTS} addresses, not {len(found)}",
                          "send it to a list address instead")
    return found
