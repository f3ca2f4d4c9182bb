"""Chatto's extension protocol on the wire (layer 8, SPEC §11; research/serving.md §2).

Input: an `ExtensionRequest` (what the VM stopped at) and the bot's linked image. Output: the exact
JSON body Chatto's own client sends — `fsm`, `domain`, `extension`, `question`, `channel`,
`command`, in that order — and, from a server's reply, an `ExtensionResult` or the reason it cannot
be one. Nothing here does IO (`chatto_client.py` does).

The state table is Chatto's: `any = -1`, `initial = 0`, then the bot's dialogs `1..n` in source
order (inner dialogs included), named by their display name (a repeated name gets `#2`, `#3`, …, so
the JSON object keeps every dialog). Slots are the conversation's scalar variables as text: Go
servers reject anything else.
"""

from __future__ import annotations

import hmac
import json
import re
from typing import Any

from ..runtime.input_checks import clean_json
from ..runtime.inputs import ExtensionRequest, ExtensionResult

UNSURE = "Not sure I understood, try again please."


def bearer_matches(header: str | None, token: str | None) -> bool:
    """Whether an `Authorization` header is `Bearer <token>` (the scheme in any case, RFC 7235
    §2.1; compared in constant time). No token configured: never."""
    if not token or not header:
        return False
    scheme, _, given = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode("utf-8", "replace"), token.encode("utf-8"))


def state_table(image: Any) -> dict[str, int]:
    """Chatto's `domain.state_table` for a bot: `any`, `initial`, then each dialog."""
    table: dict[str, int] = {"any": -1, "initial": 0}
    for entry in image.dialogs:
        name, count = entry.display, 1
        while name in table:
            count += 1
            name = f"{entry.display}#{count}"
        table[name] = entry.index + 1
    return table


def request_body(request: ExtensionRequest, table: dict[str, int], error_text: str) -> dict[str, Any]:
    """The body of `POST {url}/extension`, byte-compatible with Chatto's client (field order
    included: Go writes struct fields in order)."""
    return {
        "fsm": {"state": request.state, "slots": dict(sorted(request.slots.items()))},
        "domain": {"state_table": dict(sorted(table.items())),
                   "default_messages": {"unknown": UNSURE, "unsure": UNSURE, "error": error_text}},
        "extension": request.name,
        "question": {"sender": request.sender, "text": request.question},
        "channel": request.channel or "bubble",
        "command": request.command,
    }


_GO_ESCAPES = {"\\\\": "\\\\", "\\b": "\\u0008", "\\f": "\\u000c"}
_GO_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                          "\u2028": "\\u2028", "\u2029": "\\u2029"})


def go_json(value: Any) -> bytes:
    """`value` as Go's `json.Marshal` writes it, byte for byte: compact, map keys sorted by the
    caller, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\\u…`, `\\b`/`\\f` as `\\u0008`/`\\u000c`
    (the Go of Chatto's releases), everything else as UTF-8. A server that checks a signature or
    caches by body sees what Chatto would have sent."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = re.sub(r"\\[\\bf]", lambda match: _GO_ESCAPES[match.group()], text)
    return text.translate(_GO_HTML).encode()


class BadReply(Exception):
    """A reply that is not Chatto's response; the message says what is wrong with it."""


def read_reply(request: ExtensionRequest, status: int, body: bytes) -> ExtensionResult:
    """The result of a reply: any non-2xx status, a body that is not a JSON object with an `fsm`
    object, or answers and slots of the wrong shape are failures (SPEC §11: stricter than Chatto,
    which accepts any JSON whatever the status)."""
    try:
        return _read(request, status, body)
    except BadReply as bad:
        return ExtensionResult(request_id=request.id, ok=False, error=str(bad))


def _read(request: ExtensionRequest, status: int, body: bytes) -> ExtensionResult:
    if not 200 <= status < 300:
        raise BadReply(f"extension server `{request.server}` answered HTTP {status}")
    try:
        data = clean_json(json.loads(body))  # a lone surrogate (`"\\ud800"`) is not text: U+FFFD
    except (ValueError, RecursionError):
        raise BadReply(f"extension server `{request.server}` did not answer JSON") from None
    if not isinstance(data, dict):
        raise BadReply(f"extension server `{request.server}` answered JSON that is not an object")
    fsm = data.get("fsm")
    if not isinstance(fsm, dict):
        raise BadReply(f"the answer of extension `{request.name}` has no `fsm` object")
    state = fsm.get("state")
    if state is not None and (isinstance(state, bool) or not isinstance(state, int)):
        raise BadReply(f"the answer of extension `{request.name}` has a `state` that is not an integer")
    slots = fsm.get("slots")
    if slots is None:
        slots = {}
    if not isinstance(slots, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in slots.items()):
        raise BadReply(f"the answer of extension `{request.name}` has `slots` that are not text to text")
    answers = data.get("answers")
    if answers is None:
        answers = []
    if not isinstance(answers, list) or not all(_answer(a) for a in answers):
        raise BadReply(f"the answer of extension `{request.name}` has `answers` that are not "
                       '`[{"text": …, "image": …}]`')
    for answer in answers:
        image = answer.get("image", "").strip()
        if image and not _IMAGE_URL.match(image):
            raise BadReply(f"the answer of extension `{request.name}` has an image that is not an http(s) or "
                           f"`data:image/…` URL (`{image[:40]}`)")
    return ExtensionResult(request_id=request.id, ok=True, answers=list(answers), slots=dict(slots),
                           state=state if state != request.state else None)


# What a channel may show as an image, as for `image(…)` in a script: http(s), or a picture's data.
_IMAGE_URL = re.compile(r"(?i)(?:https?://|data:image/)[^\x00-\x1f\x7f]*\Z")


def _answer(answer: Any) -> bool:
    return isinstance(answer, dict) and all(isinstance(answer.get(key, ""), str) for key in ("text", "image"))
