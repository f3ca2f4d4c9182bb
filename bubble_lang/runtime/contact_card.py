"""A `show contact(…)` card as labelled lines (layer 6), for every channel that shows it as text.

Input: the content's fields in either form `contact` accepts — the flat options (`name:`,
`phone:`, `email:`, `address:`, `url:`) or the original platform's structured map (`name:
%{first_name, last_name}`, `phones: [%{phone, type}]`, `emails`, `urls`, `addresses`, `address:
%{street, city, …}`). Output: `(label, text)` pairs, the name first with no label. Why one
function: the terminal, the web chat, Telegram and the BESSER endpoint each showed a different
part of a card (a structured card was an empty bubble on the web and "…" on Telegram).
"""

from __future__ import annotations

from typing import Any

from .values import to_text

#: Which fields hold what, in the order a card shows them: (flat key, list key, item key, label).
_DETAILS = (
    ("phone", "phones", "phone", "Phone"),
    ("email", "emails", "email", "Email"),
    ("address", "addresses", "address", "Address"),
    ("url", "urls", "url", "Web"),
)


def _words(value: Any, item_key: str) -> str:
    """One detail as text: a map's `item_key` (with its `type` in parentheses), else its parts."""
    if isinstance(value, dict):
        if item_key in value:
            kind = value.get("type")
            text = to_text(value[item_key])
            return f"{text} ({to_text(kind)})" if kind not in (None, "") else text
        return ", ".join(to_text(part) for key, part in value.items() if key != "type" and part not in (None, ""))
    return to_text(value)


def contact_lines(data: dict[str, Any]) -> list[tuple[str | None, str]]:
    """The card's lines: `(None, name)` first when it has one, then `("Phone", …)` and the rest."""
    lines: list[tuple[str | None, str]] = []
    name = data.get("name")
    if isinstance(name, dict):
        name = " ".join(to_text(part) for part in name.values() if part not in (None, ""))
    if name not in (None, ""):
        lines.append((None, to_text(name)))
    for flat, many, item_key, label in _DETAILS:
        values: list[Any] = []
        for key in (flat, many):
            value = data.get(key)
            values += value if isinstance(value, list) else [] if value is None else [value]
        for value in values:
            text = _words(value, item_key)
            if text.strip():
                lines.append((label, text))
    return lines


def contact_text(data: dict[str, Any], separator: str = "\n") -> str:
    """The card as plain text: `Sam Helpdesk` then `Phone: +31 …` lines."""
    return separator.join(text if label is None else f"{label}: {text}" for label, text in contact_lines(data))
