"""Questions and answers (layer 7): sending an `ask`/`prompt`, and deciding whether a message
answers it (SPEC §7 step 2, §8).

`expecting:` may be a list of strings (literal, case-insensitive, spaces collapsed), intents,
entity matchers, a BML string, a widget from `input_method`, or a list mixing these. The answer
bound for a list item is the item as written; `answer.text` is what the user typed.
"""

from __future__ import annotations

import re
from typing import Any

from ..runtime.errors import ScriptError
from ..runtime.outputs import Output
from ..runtime.session import Frame
from ..runtime.values import Record, Text, plain_text, to_text, type_name

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    return _SPACES.sub(" ", text.strip()).casefold()


def describe_choices(items: Any) -> list[dict[str, Any]]:
    """Quick replies or choices as plain `{title, value}` records."""
    if isinstance(items, Record) and items.kind == "widget":
        items = items.fields.get("items") or []
    if not isinstance(items, list):
        items = [items]
    choices = []
    for item in items:
        if isinstance(item, dict):
            title = to_text(item.get("title", item.get("label", item.get("value"))))
            entry = {"title": title, "value": to_text(item.get("value", title))}
            if item.get("image_url"):
                entry["image_url"] = to_text(item["image_url"])
            choices.append(entry)
        elif isinstance(item, Record) and item.kind == "intent":
            label = item.fields.get("label")
            if label is not None:
                choices.append({"title": to_text(label), "value": to_text(label)})
        elif isinstance(item, Record):
            continue
        else:
            choices.append({"title": to_text(item), "value": to_text(item)})
    return choices


def question_text(frame: Frame) -> str:
    question = frame.wait["question"] if frame.wait else ""
    if isinstance(question, list) and question:
        return to_text(question[0] if frame.asked == 0 or len(question) == 1 else question[1])
    return to_text(question)


def send_question(machine: Any, frame: Frame) -> None:
    """Send (or send again) the question a frame waits on."""
    wait = frame.wait or {}
    options = wait.get("options") or {}
    data: dict[str, Any] = {"wait": wait.get("kind")}
    expecting = options.get("expecting")
    choices = describe_choices(options["quick_replies"]) if options.get("quick_replies") else []
    if not choices and expecting is not None and not isinstance(expecting, str):
        choices = describe_choices(expecting)
    if wait.get("kind") == "prompt" and not choices and frame.dialog >= 0:
        image = machine.image
        choices = [{"title": image.dialogs[i].label, "value": image.dialogs[i].label}
                   for i in image.dialogs[frame.dialog].inner if image.dialogs[i].kind == "label"]
    if choices:
        data["choices"] = choices
    if isinstance(expecting, Record) and expecting.kind == "widget":
        data["widget"] = dict(expecting.fields)
    text = question_text(frame)
    frame.asked += 1
    machine.outputs.append(Output(kind="ask", text=text, data=data))
    machine.remember_bot(text)


def store_answer(machine: Any, frame: Frame, target: Any, value: Any) -> None:
    """Bind an answer: to `answer`, and to the `x` of `x = ask …` when there is one."""
    if target is None:
        machine.state.runtime["answer"] = value
        return
    kind, name = target
    if kind == "global":
        machine.state.globals[name] = value
    elif kind == "local":
        frame.locals[name] = value
    else:
        user = machine.state.user
        for key in name[:-1]:
            user = user.setdefault(key, {})
        user[name[-1]] = value
    machine.state.runtime["answer"] = value


def match_expecting(machine: Any, expecting: Any, text: str) -> Any:
    """The answer for `text`, or None when it does not satisfy `expecting`."""
    from .matching import match_pattern_text, match_record  # matching imports this module

    if expecting is None:
        return Text(text)
    if isinstance(expecting, list):
        for item in expecting:
            found = literal_choice(item, text) if isinstance(item, (str, Text)) else \
                match_expecting(machine, item, text)
            if found is not None:
                return found
        return None
    if isinstance(expecting, (str, Text)):
        return match_pattern_text(machine, plain_text(expecting), text)
    if isinstance(expecting, dict):
        title = to_text(expecting.get("title", expecting.get("value")))
        if fold(text) in (fold(title), fold(to_text(expecting.get("value", title)))):
            return Text(title, {"text": text, "data": expecting})
        return None
    if isinstance(expecting, Record):
        if expecting.kind in ("intent", "entity_matcher"):
            return match_record(machine, expecting, text)
        if expecting.kind == "widget":
            from .widgets import answer_widget

            return answer_widget(expecting, text, machine.now, machine.image.config.timezone)
    if isinstance(expecting, (int, float)):
        return Text(text) if fold(text) == fold(to_text(expecting)) else None
    raise ScriptError(f"`expecting:` cannot use {type_name(expecting)}",
                      "use a list of texts, intents, entities, a BML string or `input_method(…)`")


def literal_choice(item: Any, text: str) -> Text | None:
    if isinstance(item, (str, Text)) and fold(plain_text(item)) == fold(text):
        return Text(plain_text(item), {"text": text})
    return None
