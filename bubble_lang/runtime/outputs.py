"""What a turn produces (layer 6): typed output records, in the order the bot sent them.

Channels render these: the terminal prints text and numbered choices, the server sends frames,
tests match them. `kind` is one of: text, show, ask (a question with its choices or widget),
typing, pause, emit (an event to the client), step, log.
"""

from __future__ import annotations

from typing import Any

import attrs

from .values import to_plain


@attrs.frozen(kw_only=True)
class Output:
    kind: str
    text: str = ""
    data: dict[str, Any] = attrs.field(factory=dict)

    def to_plain(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, **to_plain(self.data)}
