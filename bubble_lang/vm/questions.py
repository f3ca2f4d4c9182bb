"""Questions and answers (layer 7): sending an `ask`/`prompt`, and deciding whether a message
answers it (SPEC §7 step 2, §8).

`expecting:` may be a list of strings (literal, case-insensitive, spaces collapsed), intents,
entity matchers, a BML string, a widget from `input_method`, or a list mixing these. The answer
bound for a list item is the item as written; `answer.text` is what the user typed.
"""

from __future__ import annotations

from typing import Any

from ..checks.headers import CHOICE_KEYS, MEDIA_EXPECTATIONS, UNTITLED_CHOICE, UNTITLED_CHOICE_HINT
from ..runtime.script_errors import ScriptError
from ..runtime.session import Frame, assign_user_field
from ..runtime.values import Atom, Record, Text, plain_text, to_text, type_name
from ..runtime.waits import PendingAsk
from .captcha_challenges import ensure_challenge, widget_view
from .widget_values import answer_text
from .pattern_match import fold, match_pattern_text, match_record


def describe_choices(items: Any) -> list[dict[str, Any]]:
    """Quick replies or choices as plain `{title, value}` records."""
    widget = isinstance(items, Record) and items.kind == "widget"
    if widget:
        items = items.fields.get("items") or []
    if not isinstance(items, list):
        items = [items]
    choices = []
    for item in items:
        if isinstance(item, dict) and not widget and not item.keys() & CHOICE_KEYS:
            raise ScriptError(UNTITLED_CHOICE, UNTITLED_CHOICE_HINT)  # B217 at lint
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
        elif isinstance(item, (Record, Atom)):
            continue  # a media expectation (`:image`) is answered by sending one, not by a button
        else:
            choices.append({"title": to_text(item), "value": to_text(item)})
    return choices


def question_text(frame: Frame, shown: int) -> str:
    """The question a frame waits on, the time it is `shown` (0 the first): `prompt [first,
    later]` says `later` from the second time on."""
    question = frame.wait.question if isinstance(frame.wait, PendingAsk) else ""
    if isinstance(question, list) and question:
        return to_text(question[0] if shown == 0 or len(question) == 1 else question[1])
    return to_text(question)


def question_view(m: Any, frame: Frame, shown: int) -> tuple[str, list[dict[str, Any]], dict[str, Any] | None]:
    """(text, choices, widget) of the question `frame` waits on, the time it is `shown`: what a
    channel draws."""
    wait = frame.wait
    assert isinstance(wait, PendingAsk)
    options = wait.options
    expecting = options.get("expecting")
    choices = describe_choices(options["quick_replies"]) if options.get("quick_replies") else []
    if not choices and expecting is not None and not isinstance(expecting, str):
        choices = describe_choices(expecting)
    if wait.prompt and not choices and frame.kind == "dialog" and frame.code in m.image.entries:
        dialogs = m.image.dialogs
        choices = [{"title": dialogs[i].label, "value": dialogs[i].label}
                   for i in m.image.entries[frame.code].inner if dialogs[i].kind == "label"]
    widget = dict(expecting.fields) if isinstance(expecting, Record) and expecting.kind == "widget" else None
    if widget is not None and widget.get("kind") == "captcha":
        widget = widget_view(wait, widget)  # the picture, never the text
    elif widget is not None and widget.get("kind") == "confirm" and not choices:
        choices = [{"title": "Yes", "value": "yes"}, {"title": "No", "value": "no"}]  # `false` is an answer too
    return question_text(frame, shown), choices, widget


def send_question(m: Any, frame: Frame) -> None:
    """Send (or send again) the question a frame waits on (a captcha gets its challenge first)."""
    ensure_challenge(m, frame)
    text, choices, widget = question_view(m, frame, frame.asked)
    data: dict[str, Any] = {"wait": "prompt" if frame.wait.prompt else "ask"}  # type: ignore[union-attr]
    if choices:
        data["choices"] = choices
    if widget is not None:
        data["widget"] = widget
    media = media_kinds(frame.wait.options.get("expecting"))  # type: ignore[union-attr]
    if media:
        data["media"] = media  # what a channel may offer a button for (a file picker, a location)
    frame.asked += 1
    m.emit("ask", text, data)
    m.remember_bot(text)


def store_answer(m: Any, frame: Frame, target: tuple[str, ...], value: Any) -> None:
    """Bind an answer: to the `x` of `x = ask …` when there is one, else to `answer` (SPEC §4:
    `answer` keeps its earlier value when the reply goes to a variable)."""
    if target:
        kind = target[0]
        if kind == "global":
            m.state.globals[target[1]] = value
        elif kind == "local":
            frame.locals[target[1]] = value
        else:
            assign_user_field(m.state, target[1:], value)
    else:
        m.state.runtime["answer"] = value
    if value is not None:
        m.state.answers += 1  # Back restarts a step that took an answer (`wizard.py`)
    if m.tracer is not None and value is not None:
        m.tracer.answered(frame)


def match_expecting(m: Any, expecting: Any, text: str) -> Any:
    """The answer for `text`, or None when it does not satisfy `expecting`."""
    if expecting is None:
        return Text(text)
    if isinstance(expecting, list):
        for item in expecting:
            found = literal_choice(item, text) if isinstance(item, (str, Text)) else match_expecting(m, item, text)
            if found is not None:
                return found
        return None
    if isinstance(expecting, (str, Text)):
        return match_pattern_text(m, plain_text(expecting), text)
    if isinstance(expecting, dict):
        title = to_text(expecting.get("title", expecting.get("value")))
        if fold(text) in (fold(title), fold(to_text(expecting.get("value", title)))):
            return Text(title, {"text": text, "data": expecting})
        return None
    if isinstance(expecting, Record):
        if expecting.kind in ("intent", "entity_matcher"):
            return match_record(m, expecting, text)
        if expecting.kind == "widget":
            return answer_text(expecting, text, m.now, m.timezone())
    if isinstance(expecting, Atom) and expecting.name in MEDIA_EXPECTATIONS:
        return None  # answered by an attachment or a location (`widget_answers.answer_attachment`)
    if isinstance(expecting, (int, float)):
        # The item as written (SPEC §8): `n = ask …, expecting: [1, 2, 3]` then `n == 2` holds.
        return expecting if fold(text) == fold(to_text(expecting)) else None
    if isinstance(expecting, Atom):
        raise ScriptError(f"`expecting:` cannot wait for `:{expecting.name}`",
                          "wait for one of " + ", ".join(f"`:{kind}`" for kind in MEDIA_EXPECTATIONS))
    raise ScriptError(f"`expecting:` cannot use {type_name(expecting)}",
                      "use a list of texts, intents, entities, a BML string, `input_method(…)` or a media "
                      "kind like `:image`")


def media_kinds(expecting: Any) -> list[str]:
    """The media kinds an `expecting:` waits for (`:image`, `[:image, :video]`, `:location`)."""
    items = expecting if isinstance(expecting, list) else [expecting]
    return [item.name for item in items if isinstance(item, Atom) and item.name in MEDIA_EXPECTATIONS]


def literal_choice(item: Any, text: str) -> Text | None:
    if isinstance(item, (str, Text)) and fold(plain_text(item)) == fold(text):
        return Text(plain_text(item), {"text": text})
    return None


def waits_for_secret(state: Any) -> bool:
    """Whether the next message answers a `secret` widget: then it is never echoed, kept in
    input history or written to a transcript (SPEC §8). A `captcha` attempt is treated alike: a
    right one is the challenge's text, which never leaves the server."""
    frames = state.frames
    wait = frames[-1].wait if frames else None
    if not isinstance(wait, PendingAsk):
        return False
    expecting = wait.options.get("expecting")
    return isinstance(expecting, Record) and expecting.kind == "widget" and \
        to_text(expecting.fields.get("kind")) in ("secret", "captcha")
