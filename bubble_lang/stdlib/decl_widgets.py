"""Declaration of `input_method` and its widget kinds (layer 4): data, no implementation.

`WIDGET_KINDS` is the table of SPEC §8: each kind with the chatflow seed it comes from, what
the answer is, and the options it takes. `input_method` accepts the union of all options, so a
misspelt option is caught even when the kind is not a literal; `check_widget_options` in
`registry` checks a literal kind's options exactly (the lint rule "widget options of the wrong
kind").
"""

from __future__ import annotations

import attrs

from .model import Builtin, declare


@attrs.frozen(kw_only=True)
class WidgetKind:
    """One widget kind of `input_method(kind, …)`: what it asks for and which options it takes."""

    name: str
    seed: str
    answer: str
    options: tuple[str, ...]
    required_options: tuple[str, ...] = ()


#: What every widget option means; each kind takes some of them.
WIDGET_OPTIONS: dict[str, str] = {
    "caption": "text shown with the control (the ask's text is the question)",
    "required": "refuse an empty answer (default true); false lets the user skip, giving nil",
    "default": "value filled in or picked when the control opens",
    "placeholder": "hint text shown in an empty input",
    "min_length": "fewest characters accepted",
    "max_length": "most characters accepted",
    "pattern": "regular expression the whole answer must match",
    "min": "smallest number, date-time or duration accepted",
    "max": "largest number, date-time or duration accepted",
    "items": "the choices: texts, or maps with title, subtitle, value, image_url",
    "min_items": "fewest items picked",
    "max_items": "most items picked",
    "types": "accepted file types: extensions or MIME types",
    "max_size": "largest file accepted, in bytes",
    "max_tries": "attempts before the challenge fails (default 3)",
    "data": "the map shown for confirmation",
    "fields": "the fields: maps with name, label, kind and that kind's options",
    "mode": '"single" (default) or "multiple"',
    "is_identifier": "true: the text must be a name of letters, digits and `_`, not starting with a digit",
    "not_allowed": "texts that are refused as answers (compared without case)",
    "future": "true: only a moment after now is accepted",
    "min_time": "the answer must be at least this far from now (a duration)",
    "min_options": "the seed's name for `min_items:`",
    "max_options": "the seed's name for `max_items:`",
    "allowed_types": "the seed's name for `types:`",
}

#: The chatflow seed's option names, accepted as aliases of bubble's (SPEC §8): `input_method`
#: stores the widget under bubble's name, so channels and the answer checks see one spelling.
OPTION_ALIASES: dict[str, str] = {
    "min_options": "min_items",
    "max_options": "max_items",
    "allowed_types": "types",
}

#: The literal value each option takes, for the lint (`checks/widget_kinds.py`): "text", "bool",
#: "count" (integer >= 0), "positive" (integer >= 1), "bound" (the kind's own: number, date-time
#: or duration), "list", "texts" (a text or a list of texts), "map", "mode", "duration", "any".
OPTION_VALUES: dict[str, str] = {
    "caption": "text", "placeholder": "text", "required": "bool", "default": "any",
    "min_length": "count", "max_length": "count", "pattern": "text", "min": "bound", "max": "bound",
    "items": "list", "min_items": "count", "max_items": "count", "types": "texts", "max_size": "positive",
    "max_tries": "positive", "data": "map", "fields": "list", "mode": "mode", "is_identifier": "bool",
    "not_allowed": "list", "future": "bool", "min_time": "duration", "min_options": "count",
    "max_options": "count", "allowed_types": "texts",
}

_TEXT = ("caption", "required", "default", "placeholder", "min_length", "max_length", "pattern", "is_identifier",
         "not_allowed")
_NUMBER = ("caption", "required", "default", "min", "max")
_MOMENT = (*_NUMBER, "future", "min_time")
_CHOICE = ("caption", "required", "default", "items")
_MULTI = (*_CHOICE, "min_items", "max_items", "min_options", "max_options")

WIDGET_KINDS: dict[str, WidgetKind] = {
    kind.name: kind
    for kind in (
        WidgetKind(name="text", seed="string_ask", answer="text", options=_TEXT),
        WidgetKind(
            name="secret",
            seed="secret_ask",
            answer="text, never logged or echoed",
            options=tuple(o for o in _TEXT if o != "default"),
        ),
        WidgetKind(name="int", seed="int_ask", answer="integer", options=_NUMBER),
        WidgetKind(name="number", seed="int_ask", answer="number", options=_NUMBER),
        WidgetKind(name="multiline", seed="text_ask", answer="text with newlines", options=_TEXT),
        WidgetKind(
            name="single_choice", seed="single_choice", answer="one of the items",
            options=_CHOICE, required_options=("items",),
        ),
        WidgetKind(
            name="multi_choice", seed="multi_choice", answer="list of items",
            options=_MULTI, required_options=("items",),
        ),
        WidgetKind(
            name="multi_list_choice", seed="multi_list_choice", answer="ordered list of items",
            options=_MULTI, required_options=("items",),
        ),
        WidgetKind(
            name="dropdown", seed="drop_down_choice", answer="one of the items",
            options=_CHOICE, required_options=("items",),
        ),
        WidgetKind(
            name="autocomplete", seed="autocomplete_drop_down", answer="one of the items",
            options=_CHOICE, required_options=("items",),
        ),
        WidgetKind(name="datetime", seed="datetime_picker", answer="date-time", options=_MOMENT),
        WidgetKind(name="duration", seed="time_delta_ask", answer="duration", options=_NUMBER),
        WidgetKind(name="location", seed="location_ask", answer="[lat:, lon:]", options=("caption", "required")),
        WidgetKind(
            name="upload", seed="upload_file", answer="attachment (name, type, size, key)",
            options=("caption", "required", "types", "allowed_types", "max_size"),
        ),
        WidgetKind(
            name="captcha", seed="captcha_ask", answer="true once solved, false when the tries ran out",
            options=("caption", "max_tries"),
        ),
        WidgetKind(name="confirm", seed="md_show_confirm", answer="true or false", options=("caption", "data")),
        WidgetKind(
            name="multi_values", seed="multi_values_ask", answer="map of name to value",
            options=("caption", "required", "fields"),
        ),
        WidgetKind(
            name="form", seed="new_form", answer="map of field to value",
            options=("caption", "fields"), required_options=("fields",),
        ),
        WidgetKind(
            name="item_picker", seed="(Bubblescript)", answer="answer.data",
            options=("caption", "required", "mode", "items"), required_options=("items",),
        ),
    )
}


def _all_options() -> tuple[str, ...]:
    """Every option some kind takes, in the order of `WIDGET_OPTIONS`."""
    used = {option for kind in WIDGET_KINDS.values() for option in kind.options}
    return tuple(option for option in WIDGET_OPTIONS if option in used)


def _kinds_table() -> str:
    """The kind and option reference shown after the doc of `input_method`."""
    width = max(len(name) for name in WIDGET_KINDS) + 2
    lines = ["kinds (answer; options, * required):"]
    for kind in WIDGET_KINDS.values():
        options = ", ".join(o + ("*" if o in kind.required_options else "") for o in kind.options)
        quoted = f'"{kind.name}"'
        lines.append(f"  {quoted:<{width}}  {kind.answer}; {options}")
    width = max(len(name) for name in WIDGET_OPTIONS) + 1
    lines.append("options:")
    lines.extend(f"  {name + ':':<{width}}  {meaning}" for name, meaning in WIDGET_OPTIONS.items())
    return "\n".join(lines)


_KIND_NAMES = ", ".join(f'`"{name}"`' for name in WIDGET_KINDS)

DECLARATIONS: tuple[Builtin, ...] = (
    declare(
        "input_method", "kind, options?", "widget",
        f"""Makes a widget for `ask … expecting:`: channels show a real control (web chat),
        an interactive prompt (terminal) or numbered options and the constraints in words
        (plain text), and the server checks every answer, asking again with the reason when it
        is invalid. Kinds: {_KIND_NAMES}. Options are given as keywords, as a map or
        keyword list in the second argument (for example a data-file constant), or both, the
        keywords winning.""",
        'input_method("int", min: 1, max: 10) -> a widget asking for a whole number from 1 to 10',
        'input_method("item_picker", caption: "Please select", mode: "single", items: @menu) -> a widget',
        'input_method("item_picker", @item_picker) -> a widget configured by item_picker.yaml',
        category="widgets",
        keywords=_all_options(),
        details=_kinds_table(),
    ),
)
