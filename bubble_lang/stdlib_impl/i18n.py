"""The translation builtin (layer 6): `_(text)` and `_"text"`.

Input: a text. Output: its translation for the conversation's language, from `ctx.translate`
(the bot's translations, wired by the VM; the identity when there are none).
"""

from __future__ import annotations

from typing import Any

from .args import text_arg
from .binding import builtin
from .context import Context
from .guards import check_text


@builtin("_")
def translate(ctx: Context, text: Any) -> str:
    """The translation, or the text itself."""
    return check_text(ctx.translate(text_arg("_", text)), ctx.limits)
