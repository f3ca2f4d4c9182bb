"""What a turn produces (layer 6): typed output records, in the order the bot sent them.

Channels render these: the terminal prints text and numbered choices, the server sends frames,
tests match them. `kind` is one of: text, show, ask (a question with its choices or widget),
typing, pause, emit (an event to the client), step, log. `seq` numbers a conversation's outputs
from 1, without gaps, so a channel that reconnects can ask for what it missed.
"""

from __future__ import annotations

from typing import Any

from .contact_card import contact_text
from .records import record, value_field
from .values import to_plain, to_text


@record("output", frozen=True)
class Output:
    kind: str
    text: str = ""
    data: dict[str, Any] = value_field(factory=dict)
    seq: int = 0

    def to_plain(self) -> dict[str, Any]:
        """The wire and transcript form: kind, text, seq and the data's fields side by side."""
        plain = {"kind": self.kind, "text": self.text, **to_plain(self.data)}
        if self.seq:
            plain["seq"] = self.seq
        return plain

    @classmethod
    def from_plain(cls, plain: dict[str, Any]) -> Output:
        """Read back what `to_plain` wrote (a stored transcript entry)."""
        from .values import from_plain

        data = {key: from_plain(value) for key, value in plain.items() if key not in ("kind", "text", "seq")}
        return cls(kind=str(plain.get("kind", "text")), text=str(plain.get("text", "")), data=data,
                   seq=int(plain.get("seq", 0) or 0))

    def summary(self) -> str:
        """The output as one line of a plain transcript (terminal, test reports): messages as
        written, content as `[kind] target`, the rest in parentheses."""
        data = self.data
        if self.kind in ("text", "ask"):
            return self.text
        if self.kind == "show":
            kind = to_text(data.get("kind", "content"))
            target = data.get("url") or data.get("text") or data.get("name") or self.text
            point = data.get("point") or data
            if kind == "location" and isinstance(point, dict) and "lat" in point:
                target = f"{to_text(point['lat'])}, {to_text(point['lon'])}"
            if kind == "contact":
                target = contact_text(data, ", ")
            if isinstance(target, dict):  # a structured name: %{first_name: …, last_name: …}
                target = " ".join(to_text(part) for part in target.values())
            caption = data.get("caption")
            return f"[{kind}] {to_text(target)}" + (f" — {to_text(caption)}" if caption else "")
        if self.kind in ("typing", "pause"):
            return f"({self.kind} {data.get('seconds', 0):g}s)"
        if self.kind == "emit":
            return f"(event {to_text(data.get('name'))} to {to_text(data.get('to'))})"
        if self.kind == "step":  # a wizard step (SPEC §9): "Step k of n — Title"
            index, total = data.get("index"), data.get("total")
            if isinstance(index, int) and isinstance(total, int) and index > 0:
                return f"Step {index} of {total} — {self.text}"
            return f"(step: {self.text})"
        if self.kind == "mail":
            return f"(mail to {', '.join(to_text(a) for a in data.get('to') or [])}: {self.text})"
        if self.kind == "log":
            return f"(log {to_text(data.get('at'))}: {self.text})"
        return f"({self.kind} {self.text})"
