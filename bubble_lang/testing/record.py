"""Recording a test from a conversation (layer 11): what the user said, what the bot answered.

Input: a bot and the user's messages. Output: the source of a `test "…" do … end` block that
replays the conversation on the test clock and seed: `say` for each message, an `expect` per bot
message (a BML pattern that matches exactly that text), `expect quick_replies:`/`widget:` for
questions, `expect show:` for content, and `expect_end` after each turn. Useful to turn a manual
session into a regression test; the property tests check that such a test always replays green.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import pendulum

from ..engine.bot import Bot
from ..runtime.matching.tokens import PUNCTUATION
from ..runtime.outputs import Output
from .driver import DEFAULT_SEED, new_conversation
from .transcript import choices_of, widget_of

_NAME = re.compile(r"[a-z_][a-zA-Z0-9_]*")
_WORD = re.compile("[^\\s" + re.escape("".join(sorted(PUNCTUATION))) + "]+")  # a word token of the matcher


def string_literal(text: str) -> str:
    """`text` as a bubble string literal (SPEC §2 escapes; `#` escaped so `#{` stays text)."""
    escaped = (text.replace("\\", "\\\\").replace('"', '\\"').replace("#", "\\#")
               .replace("\n", "\\n").replace("\t", "\\t"))
    return f'"{escaped}"'


def _unstable(char: str) -> bool:
    """A character that Unicode folding turns into punctuation (`…` -> `...`): in a quoted
    literal it becomes several tokens while the message keeps one, so it cannot be spelt out."""
    folded = unicodedata.normalize("NFKC", char)
    return folded != char and any(c in PUNCTUATION for c in folded)


def _quoted(text: str) -> str:
    """`text` as a BML single-quoted literal (a backslash doubled: it escapes in a literal)."""
    return "'" + text.replace("\\", "\\\\") + "'"


def literal_pattern(text: str) -> str:
    """A BML pattern matching `text` word for word: quoted literals, with the quote characters
    themselves quoted by the other kind ('"' and "'"), and `_` over what cannot be spelt out."""
    parts: list[str] = []
    for piece in re.split(r"""(['"])""", text):
        if piece == "'":
            parts.append('"\'"')
        elif piece == '"':
            parts.append("'\"'")
        else:
            start = 0
            for word in _WORD.finditer(piece):
                if any(_unstable(char) for char in word.group()):
                    if piece[start:word.start()].strip():
                        parts.append(_quoted(piece[start:word.start()].strip()))
                    parts.append("_")  # the whole token: the message keeps it as one
                    start = word.end()
            if piece[start:].strip():
                parts.append(_quoted(piece[start:].strip()))
    return " ".join(parts)


def expectations_for(outputs: Iterable[Output]) -> list[str]:
    """The `expect` lines for one turn's outputs, then `expect_end` when the last message could
    be expected (a message without any text cannot be)."""
    lines: list[str] = []
    last_expected = True
    for output in outputs:
        if output.kind in ("text", "ask"):
            pattern = literal_pattern(output.text)
            last_expected = bool(pattern)
            if not pattern:
                continue
            lines.append(f"expect {string_literal(pattern)}")
            choices = choices_of(output)
            if choices:
                lines.append("expect quick_replies: [" + ", ".join(string_literal(c) for c in choices) + "]")
            widget = widget_of(output)
            if widget:
                lines.append(f"expect widget: {string_literal(widget)}")
        elif output.kind == "show":
            kind = str(output.data.get("kind", ""))
            lines.append(f"expect show: {':' + kind if _NAME.fullmatch(kind) else string_literal(kind)}")
            last_expected = True
    if last_expected:
        lines.append("expect_end")
    return lines


def record_test(bot: Bot, inputs: Iterable[str], *, title: str = "recorded conversation",
                seed: int = DEFAULT_SEED, now: pendulum.DateTime | None = None) -> str:
    """Play `inputs` against `bot` as a test would, and write the test that checks the replies."""
    conversation = new_conversation(bot, seed=seed, now=now)
    body = expectations_for(conversation.start())
    for text in inputs:
        body.append(f"say {string_literal(text)}")
        body.extend(expectations_for(conversation.send_text(text)))
    return f"test {string_literal(title)} do\n" + "".join(f"  {line}\n" for line in body) + "end\n"
