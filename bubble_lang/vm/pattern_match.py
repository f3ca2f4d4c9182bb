"""Triggers and BML at run time (layer 7): the bridge from dialogs and asks to `runtime.matching`.

Every pattern the bot spells out — trigger strings, intents' `match:` lists, BML strings in
`expecting:` — was compiled when the bot was linked (`image.patterns`, `entry.trigger`); a
pattern text that only exists at run time (built with `#{…}`) is compiled here for this turn
only, never written into the shared image. Global triggers go through the image's
`TriggerIndex`, so a message is tried only against triggers that could match it (SPEC §7b).
"""

from __future__ import annotations

from typing import Any

import attrs
import pendulum

from ..patterns import PatternError, is_legacy_trigger, parse_bml, parse_legacy
from ..runtime import matching
from ..runtime.script_errors import LimitError, ScriptError
from ..runtime.values import Captured, Record, Text, plain_text, to_text


@attrs.frozen
class LinkedTrigger:
    """What a dialog's `trigger:` stands for: its patterns, and the intent or entity matcher
    they came from (None for a pattern string)."""

    patterns: tuple[matching.CompiledPattern, ...]
    record: Record | None = None


def compile_pattern_text(text: str, limits: Any) -> matching.CompiledPattern:
    """Parse and compile one pattern string (raises `PatternError`)."""
    pattern = parse_legacy(text, limits) if is_legacy_trigger(text) else parse_bml(text, limits)
    return matching.compile_pattern(pattern)


def pattern_for(m: Any, text: str) -> matching.CompiledPattern:
    """The compiled pattern of `text`: linked with the bot, or compiled for this turn."""
    compiled = m.image.patterns.get(text)
    if compiled is None:
        compiled = m.patterns.get(text)
        if compiled is None:
            try:
                compiled = compile_pattern_text(text, m.limits)
            except PatternError as error:
                raise ScriptError(f"invalid pattern `{text}`: {error.message}", error.hint, code="B403") from None
            m.patterns[text] = compiled
    return compiled


def sentence(m: Any, text: str, entities: frozenset[str] = frozenset()) -> Any:
    """The message tokenized once per turn and shared by every pattern tried; with the entity
    kinds the patterns tried need (a pattern without entity rules needs none)."""
    cache = m.sentences
    zone = m.timezone()
    key = (text, entities, zone)
    found = cache.get(key)
    if found is None:
        found = cache[key] = matching.tokenize(text, now=m.now, timezone=zone,
                                               limits=m.limits, entities=entities)
    return found


def run_match(m: Any, compiled: matching.CompiledPattern, text: str) -> Any:
    if m.regex_budget is None:
        m.regex_budget = matching.RegexBudget(m.limits)
    try:
        return matching.match_sentence(compiled, sentence(m, text, compiled.entities), budget=m.regex_budget,
                                       concepts=m.image.concepts)
    except matching.MatchBudgetExceeded as error:
        raise LimitError(error.message, error.hint or "simplify the regular expression in the pattern") from None


def to_message(text: str, found: Any, intent: Record | None = None,
               entity: bool = False) -> tuple[Text, dict[str, Any]]:
    """The `message`/`answer` value of a match, and legacy `#<name>` captures as variables
    (with the matched part in `entity`, SPEC §7b). With `entity`, a trigger string that reads as
    BML also gives its matched part to `entity`: `"stop|quit|end"` is one of SPEC's legacy
    triggers, and the old docs read `entity.value` after such a trigger."""
    fields: dict[str, Any] = {}
    variables: dict[str, Any] = {}
    for name, capture in found.captures.items():
        fields[name] = Captured(capture.text, _plain_value(capture.value), capture.kind)
    if found.entity is not None:
        variables = {name: capture.text for name, capture in found.captures.items()}
        fields["$entity"] = {"value": found.entity.text, **variables}
    elif entity:
        fields["$entity"] = {"value": found.text}
    if intent is not None:
        fields["intent"] = intent
    return Text(text, fields), variables


def _plain_value(value: Any) -> Any:
    """Entity values as bubble values: plain data, dates and durations as pendulum values."""
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    if isinstance(value, (pendulum.DateTime, pendulum.Duration)):
        return value
    return to_text(value)


def match_pattern_text(m: Any, pattern_text: str, text: str) -> Text | None:
    found = run_match(m, pattern_for(m, pattern_text), text)
    return to_message(text, found)[0] if found is not None else None


def match_record(m: Any, record: Record, text: str) -> Text | None:
    """An intent or entity matcher: any of its `match:` patterns. An intent's `label:` is shown as a
    quick reply (SPEC §8), so tapping it — the label's own text — answers with that intent even
    when no pattern matches the label."""
    label = record.fields.get("label") if record.kind == "intent" else None
    if label is not None and fold(text) == fold(to_text(label)):
        return Text(text, {"intent": record})
    patterns = record.fields.get("match")
    for pattern in patterns if isinstance(patterns, list) else [patterns]:
        found = run_match(m, pattern_for(m, to_text(pattern)), text)
        if found is not None:
            return to_message(text, found, record if record.kind == "intent" else None)[0]
    return None


def match_text(m: Any, pattern: Any, text: Any) -> dict[str, Any] | None:
    """For the `match(pattern, text)` builtin: captures as a map, or nil."""
    found = run_match(m, pattern_for(m, to_text(pattern)), to_text(plain_text(text)))
    if found is None:
        return None
    return {name: capture.text for name, capture in found.captures.items()}


def match_trigger(m: Any, entry: Any, text: str) -> tuple[Text, dict[str, Any]] | None:
    """(message, legacy variables) when `entry` is triggered by `text`."""
    if entry.kind == "label":
        if entry.label is not None and fold(text) == fold(entry.label):
            return Text(text), {}
        return None
    linked = entry.trigger
    if linked is None:
        return None
    for compiled in linked.patterns:
        try:
            found = run_match(m, compiled, text)
        except ScriptError as error:  # a regex out of time: say which trigger (SPEC §17)
            if error.span is None:
                error.span = entry.trigger_span
            raise
        if found is not None:
            if linked.record is None:
                return to_message(text, found, entity=True)
            intent = linked.record if linked.record.kind == "intent" else None
            return to_message(text, found, intent)[0], {}
    return None


def fold(text: str) -> str:
    """Text as compared with a literal choice or a label: trimmed, spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()


def trigger_candidates(m: Any, text: str) -> list[int]:
    """Global trigger dialogs worth trying for `text`, in source order."""
    image = m.image
    if not image.triggers:
        return []
    index, always = image.trigger_index
    found = index.candidates(sentence(m, text))
    if always:
        return sorted(set(found).union(always))
    return sorted(set(found))
