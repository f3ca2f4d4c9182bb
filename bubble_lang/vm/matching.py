"""Triggers and BML at run time (layer 7): the bridge from dialogs and asks to `runtime.matching`.

Trigger values are linked lazily and cached on the image: a literal string's pattern was parsed
by the resolver; a constant or `intent(…)` is evaluated once (it is pure) and its `match:`
patterns parsed here. Global triggers go through a `TriggerIndex`, so a message is tried only
against triggers that could match it (SPEC §7b).
"""

from __future__ import annotations

from typing import Any

from .. import nodes as n
from ..patterns import PatternError, is_legacy_trigger, parse_bml, parse_legacy
from ..runtime import matching
from ..runtime.errors import LimitError, ScriptError
from ..runtime.values import Captured, Record, Text, plain_text, to_text
from .asks import fold


def _budget(machine: Any) -> Any:
    budget = getattr(machine, "regex_budget", None)
    if budget is None:
        budget = matching.RegexBudget(machine.limits)
        machine.regex_budget = budget
    return budget


def compile_text(machine: Any, text: str) -> Any:
    """A pattern string compiled once per image (errors in dynamic patterns are runtime errors)."""
    cache = machine.image.cache.setdefault("patterns", {})
    if text not in cache:
        try:
            pattern = parse_legacy(text, machine.limits) if is_legacy_trigger(text) else parse_bml(text, machine.limits)
        except PatternError as error:
            raise ScriptError(f"invalid pattern `{text}`: {error.message}", error.hint, code="B403") from None
        cache[text] = matching.compile_pattern(pattern)
    return cache[text]


def sentence(machine: Any, text: str, entities: bool = True) -> Any:
    """The message tokenized once per turn and shared by every pattern tried. Entity extraction
    (a dozen regexes) runs only when a pattern that needs entities is tried: measured, it was 40 %
    of a pizza-order turn."""
    cache = machine.sentence_cache
    key = (text, entities)
    if key not in cache:
        cache[key] = matching.tokenize(text, now=machine.now, timezone=machine.image.config.timezone,
                                       limits=machine.limits, entities=entities)
    return cache[key]


def needs_entities(machine: Any, compiled: Any) -> bool:
    """Whether a pattern has an entity rule (`[number]`, `[time=pickup]`), cached per pattern."""
    from ..patterns import Entity, iter_rules

    flags = machine.image.cache.setdefault("needs_entities", {})
    flag = flags.get(id(compiled))
    if flag is None:
        root = getattr(compiled.pattern, "root", None)
        flag = root is not None and any(isinstance(rule, Entity) for rule in iter_rules(root))
        flags[id(compiled)] = flag
    return flag


def run_match(machine: Any, compiled: Any, text: str) -> Any:
    try:
        tokens = sentence(machine, text, needs_entities(machine, compiled))
        return matching.match_sentence(compiled, tokens, budget=_budget(machine))
    except matching.MatchBudgetExceeded as error:
        raise LimitError(error.message, error.hint or "simplify the regular expression in the pattern") from None


def to_message(text: str, found: Any, intent: Record | None = None) -> tuple[Text, dict[str, Any]]:
    """The `message`/`answer` value of a match, and legacy `#<name>` captures as variables
    (with the matched part in `entity`, SPEC §7b)."""
    fields: dict[str, Any] = {}
    variables: dict[str, Any] = {}
    for name, capture in found.captures.items():
        fields[name] = Captured(capture.text, _plain_value(capture.value), capture.kind)
    if found.entity is not None:
        variables = {name: capture.text for name, capture in found.captures.items()}
        fields["$entity"] = {"value": found.entity.text, **variables}
    if intent is not None:
        fields["intent"] = intent
    return Text(text, fields), variables


def _plain_value(value: Any) -> Any:
    """Entity values as bubble values: plain data, dates and durations as pendulum values."""
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    import pendulum

    if isinstance(value, (pendulum.DateTime, pendulum.Duration)):
        return value
    return to_text(value)


def match_pattern_text(machine: Any, pattern_text: str, text: str) -> Text | None:
    found = run_match(machine, compile_text(machine, pattern_text), text)
    return to_message(text, found)[0] if found is not None else None


def match_record(machine: Any, record: Record, text: str) -> Text | None:
    """An intent or entity matcher: any of its `match:` patterns."""
    patterns = record.fields.get("match")
    if not isinstance(patterns, list):
        patterns = [patterns]
    for pattern in patterns:
        found = run_match(machine, compile_text(machine, to_text(pattern)), text)
        if found is not None:
            return to_message(text, found, record if record.kind == "intent" else None)[0]
    return None


def match_text(machine: Any, pattern: str, text: str) -> dict[str, Any] | None:
    """For the `match(pattern, text)` builtin: captures as a map, or nil."""
    found = run_match(machine, compile_text(machine, to_text(pattern)), to_text(plain_text(text)))
    if found is None:
        return None
    return {name: capture.text for name, capture in found.captures.items()}


def trigger_value(machine: Any, entry: Any) -> Any:
    """What a dialog's `trigger:` stands for: a compiled pattern, or an intent/entity record."""
    cache = machine.image.cache.setdefault("triggers", {})
    if entry.index in cache:
        return cache[entry.index]
    value = entry.trigger
    linked: Any = None
    if isinstance(value, n.Str) and value.literal is not None:
        pattern = machine.image.program.patterns.get(value.span)
        linked = matching.compile_pattern(pattern) if pattern is not None else compile_text(machine, value.literal)
    elif value is not None:
        from ..compiler import Compiler

        key = f"trigger:{entry.code}"
        if key not in machine.image.codes:
            machine.image.codes[key] = Compiler().compile_expression(key, "guard", value)
        evaluated = machine.evaluate(key, {})
        linked = compile_text(machine, plain_text(evaluated)) if isinstance(evaluated, (str, Text)) else evaluated
    cache[entry.index] = linked
    return linked


def match_trigger(machine: Any, entry: Any, text: str) -> tuple[Text, dict[str, Any]] | None:
    """(message, legacy variables) when `entry` is triggered by `text`."""
    if entry.kind == "label":
        if entry.label is not None and fold(text) == fold(entry.label):
            return Text(text), {}
        return None
    linked = trigger_value(machine, entry)
    if linked is None:
        return None
    if isinstance(linked, Record):
        found_text = match_record(machine, linked, text)
        return (found_text, {}) if found_text is not None else None
    found = run_match(machine, linked, text)
    return to_message(text, found) if found is not None else None


def trigger_candidates(machine: Any, text: str) -> list[int]:
    """Global trigger dialogs worth trying for `text`, in source order."""
    image = machine.image
    if not image.triggers:
        return []
    index = image.cache.get("trigger_index")
    if index is None:
        keyed: list[tuple[int, Any]] = []
        always: list[int] = []
        for position in image.triggers:
            linked = trigger_value(machine, image.dialogs[position])
            if isinstance(linked, Record):  # an intent: indexed by each of its patterns
                patterns = linked.fields.get("match")
                for pattern in patterns if isinstance(patterns, list) else [patterns]:
                    keyed.append((position, compile_text(machine, to_text(pattern))))
            elif linked is not None:
                keyed.append((position, linked))
            else:
                always.append(position)
        index = (matching.TriggerIndex(keyed), always)
        image.cache["trigger_index"] = index
    trigger_index, always = index
    found = trigger_index.candidates(sentence(machine, text, entities=False))
    return sorted(set(found).union(always))
