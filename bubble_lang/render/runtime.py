"""The bubble stack of a runtime error (layer 2), as notes for its diagnostic.

Input: the VM's frames, innermost first, each a description and the span being run. Output:
note lines such as "in dialog `checkout` (shop.bot:14:5)" and "invoked from dialog `main`
(shop.bot:3:3)". Authors debug their dialogs, not bubble's Python, so this is all they see of a
stack (DESIGN §4). Deep recursion is folded so a stack-limit error stays readable.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..source import Span

_KEEP_REPEATS = 3
_KEEP_ENDS = 10


def render_stack(frames: Sequence[tuple[str, Span | None]]) -> list[str]:
    """Note lines for a dialog stack, innermost frame first.

    A frame's description is "KIND NAME" (`dialog checkout`, `task remind`, `test "greets"`); a
    bare name means a dialog. A run of identical frames keeps three and says how many more; a
    stack still longer than twenty lines keeps its ten innermost and ten outermost.
    """
    lines: list[str] = []
    index = 0
    while index < len(frames):
        run = 1
        while index + run < len(frames) and frames[index + run] == frames[index]:
            run += 1
        for offset in range(min(run, _KEEP_REPEATS)):
            lines.append(_frame_line(frames[index], first=index + offset == 0))
        if run > _KEEP_REPEATS:
            lines.append(f"... the frame above repeated {run - _KEEP_REPEATS} more times")
        index += run
    if len(lines) > 2 * _KEEP_ENDS:
        hidden = len(lines) - 2 * _KEEP_ENDS
        gap = f"... {hidden} lines of the stack omitted"
        lines = [*lines[:_KEEP_ENDS], gap, *lines[-_KEEP_ENDS:]]
    return lines


def _frame_line(frame: tuple[str, Span | None], *, first: bool) -> str:
    description, span = frame
    kind, _, name = description.partition(" ")
    if not name:
        kind, name = "dialog", kind
    name = name if name.startswith(("`", '"')) else f"`{name}`"
    where = f" ({span.location()})" if span is not None else ""
    return f"{'in' if first else 'invoked from'} {kind} {name}{where}"
