"""Widget questions as prompt-toolkit controls in `bubble run`'s interactive terminal (layer 11).

While a widget question is open, the prompt becomes that widget's control: completion over the
items (fuzzy for `autocomplete`), a `Validator` that explains a mistake before anything is sent
(mirroring the server's check, which still decides), the `default:` filled in, a masked input
for secrets, a multi-line editor for `multiline`, and a field-by-field walk through `form` and
`multi_values` that sends one answer. What is sent is the text form the server accepts, made by
`widget_prompts`, so the piped and interactive terminals agree. A line starting with `/` is
always a command, whatever the widget.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from prompt_toolkit.completion import Completer, FuzzyCompleter, WordCompleter
from prompt_toolkit.document import Document
from prompt_toolkit.validation import ValidationError, Validator

from ..runtime.values import to_text
from .widget_prompts import (STRUCTURED_KINDS, default_text, encode_structured, is_choice, is_multi, local_problem,
                             parse_choice_input, parse_location, titles, translate_answer, widget_kind)

MULTILINE_TOOLBAR = " Enter: new line   Esc then Enter (or Meta+Enter): send   /help for commands "
_YES = {"yes", "y", "1", "true", "ok", "sure", "yep"}
_NO = {"no", "n", "2", "false", "nope", "0"}

#: `prompt(message, **prompt-toolkit options)` -> the line typed; EOFError/KeyboardInterrupt leave.
Prompt = Callable[..., Awaitable[str]]
Show = Callable[[list[str], str], Any]


@attrs.frozen
class Reply:
    """What the user gave at a widget prompt: `text` in the server's form (`ready`), or a line
    for the session to handle as typed (a command)."""

    text: str
    ready: bool = True


class AfterCommaCompleter(Completer):
    """Completes the item being typed after the last comma of a multi-choice answer."""

    def __init__(self, names: list[str]):
        self.inner = FuzzyCompleter(WordCompleter(names, ignore_case=True, sentence=True))

    def get_completions(self, document, complete_event):  # type: ignore[no-untyped-def]
        before = document.text_before_cursor
        tail = before.rpartition(",")[2]
        typed = tail.lstrip()
        yield from self.inner.get_completions(Document(typed, len(typed)), complete_event)


def choice_problem(text: str, names: list[str], values: list[str], *, multi: bool, prefix: bool) -> str | None:
    """Why `text` names no item (or, for several, which part does not); None when it does."""
    translated = parse_choice_input(text, names, multi=multi)
    known = {n.casefold() for n in names} | {v.casefold() for v in values}
    parts = [p.strip() for p in translated.split(",")] if multi else [translated.strip()]
    for part in parts:
        if not part:
            continue
        folded = part.casefold()
        if folded in known or (prefix and sum(n.casefold().startswith(folded) for n in names) == 1):
            continue
        count = len(names)
        return f"`{part}` is not one of the {count} choices: type a number from 1 to {count} or a name"
    return None


def field_choices(field: dict[str, Any]) -> list[dict[str, Any]]:
    """A form field's `items` as `{title, value}` choices."""
    choices = []
    for item in field.get("items") or []:
        if isinstance(item, dict):
            title = to_text(item.get("title", item.get("value", "")))
            choices.append({"title": title, "value": to_text(item.get("value", title))})
        else:
            choices.append({"title": to_text(item), "value": to_text(item)})
    return choices


def prompt_options(widget: dict[str, Any], choices: list[dict[str, Any]], now: Any, timezone: str) -> dict[str, Any]:
    """The prompt-toolkit options for one widget: completer, validator, default, masking,
    multi-line. Every option is given every time, since a `PromptSession` keeps the last ones."""
    kind = widget_kind(widget)
    names = titles(choices)
    values = [to_text(c.get("value", "")) for c in choices]
    completer: Completer | None = None
    if is_multi(widget):
        completer = AfterCommaCompleter(names)
    elif is_choice(widget):
        words = WordCompleter(names, ignore_case=True, sentence=True)
        completer = FuzzyCompleter(words) if kind in ("autocomplete", "dropdown") else words
    elif kind == "confirm":
        completer = WordCompleter(["yes", "no"], ignore_case=True)

    def problem(text: str) -> str | None:
        if text.startswith("/") or not text.strip():
            return None
        if is_choice(widget):
            return choice_problem(text, names, values, multi=is_multi(widget), prefix=kind == "autocomplete")
        if kind == "confirm":
            return None if text.strip().casefold() in _YES | _NO else "Please answer yes or no (1 or 2)."
        return local_problem(widget, text, now, timezone)

    default = default_text(widget)
    return {
        "completer": completer,
        "complete_while_typing": completer is not None,
        "validator": _CallableValidator(problem),
        "validate_while_typing": False,
        "default": default if default is not None and kind != "secret" else "",
        "is_password": kind == "secret",
        "multiline": kind == "multiline",
        "placeholder": to_text(widget.get("placeholder")) if widget.get("placeholder") else None,
    }


class _CallableValidator(Validator):
    """A validator whose message depends on the text (prompt-toolkit's `from_callable` has one)."""

    def __init__(self, problem: Callable[[str], str | None]):
        self.problem = problem

    def validate(self, document: Document) -> None:
        message = self.problem(document.text)
        if message is not None:
            raise ValidationError(message=message, cursor_position=len(document.text))


def to_server_text(text: str, widget: dict[str, Any], choices: list[dict[str, Any]]) -> str:
    """What the control sends for an accepted line: choices as labels, confirm as yes/no,
    a location as its JSON object, the rest as typed (multi-line text keeps its newlines)."""
    kind = widget_kind(widget)
    if kind == "confirm":
        return "yes" if text.strip().casefold() in _YES else "no"
    if kind == "multiline":
        return text
    translated = translate_answer(text, widget, choices)
    return text if translated is None else translated


async def ask_widget(prompt: Prompt, show: Show, widget: dict[str, Any], choices: list[dict[str, Any]], now: Any,
                     timezone: str, message: Any = "you> ") -> Reply | None:
    """Ask one widget question; None when the user entered nothing (and there is no default)."""
    kind = widget_kind(widget)
    if kind in STRUCTURED_KINDS:
        return await ask_fields(prompt, show, widget, now, timezone)
    options = prompt_options(widget, choices, now, timezone)
    toolbar = {"bottom_toolbar": MULTILINE_TOOLBAR} if kind == "multiline" else {}
    line = await prompt(message, **options, **toolbar)
    if line.startswith("/") and not line.startswith("//"):
        return Reply(line.strip(), ready=False)
    if line.startswith("//"):
        line = line[1:]
    if not line.strip():
        return None
    if kind == "location":
        point = parse_location(line)
        if point is not None:
            return Reply(encode_structured({"lat": point[0], "lon": point[1]}))
    return Reply(to_server_text(line, widget, choices))


async def ask_fields(prompt: Prompt, show: Show, widget: dict[str, Any], now: Any, timezone: str) -> Reply | None:
    """A `form` or `multi_values`: each field asked with its own control, then one answer, the
    fields' texts as a JSON object (`encode_structured`). A command typed in a field stops the
    form and runs."""
    from .widget_prompts import control_lines

    fields = [f for f in widget.get("fields") or [] if isinstance(f, dict)]
    answers: dict[str, str] = {}
    for position, field in enumerate(fields, 1):
        name = to_text(field.get("name", f"field{position}"))
        label = to_text(field.get("label", name))
        sub = {**field, "kind": to_text(field.get("kind", "text"))}
        if widget_kind(sub) in STRUCTURED_KINDS:
            sub["kind"] = "text"  # no forms inside forms
        choices = field_choices(sub)
        await _show(show, [f"  {position}/{len(fields)} {label}", *control_lines(sub, choices, timezone)])
        while True:
            reply = await ask_widget(prompt, show, sub, choices, now, timezone, message=f"{label}> ")
            if reply is not None:
                break
            if field.get("required") is False:
                reply = Reply("")
                break
        if not reply.ready:
            return reply
        answers[name] = reply.text
    return Reply(encode_structured(answers))


async def _show(show: Show, lines: list[str]) -> None:
    result = show(lines, "note")
    if result is not None:
        await result
