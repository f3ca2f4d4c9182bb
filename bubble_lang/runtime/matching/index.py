"""The trigger index (runtime matching): which triggers can possibly match this message.

Input: the bot's triggers in priority order, as (key, CompiledPattern) pairs, built once at load.
Output: for a tokenized message, the keys of the triggers worth trying, in the original order.
This is what makes matching cost depend on the message rather than on the number of triggers
(SPEC §7b): a trigger whose pattern requires one of a few words (`patterns.index_words`) is only
a candidate when the message contains one of them; a trigger that cannot say (regex, entity,
`_` only, legacy) is always a candidate. It must never drop a trigger the matcher would accept,
so message words are looked up in every form the matcher compares (value, raw text, lemma).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

from .matcher import CompiledPattern
from .tokens import Sentence, Token

K = TypeVar("K", bound=Hashable)


class TriggerIndex(Generic[K]):
    """Word -> trigger positions, plus the positions of triggers that must always be tried."""

    def __init__(self, triggers: Sequence[tuple[K, CompiledPattern]]) -> None:
        self.keys: list[K] = [key for key, _ in triggers]
        self.patterns: list[CompiledPattern] = [compiled for _, compiled in triggers]
        self.by_word: dict[str, list[int]] = {}
        self.always: list[int] = []
        for position, (_, compiled) in enumerate(triggers):
            words = compiled.index_words
            if words is None:
                self.always.append(position)
                continue
            for word in words:  # an empty set (the empty pattern) never matches: not indexed
                self.by_word.setdefault(word, []).append(position)

    def __len__(self) -> int:
        return len(self.keys)

    def positions(self, message: Sentence | Iterable[Token]) -> list[int]:
        """Positions (into the trigger list) of the candidates, ascending."""
        if isinstance(message, Sentence):
            forms: Iterable[str] = message.words
        else:
            forms = {form for token in message for form in token.forms}
        found = set(self.always)
        for form in forms:
            hits = self.by_word.get(form)
            if hits:
                found.update(hits)
        return sorted(found)

    def candidates(self, message: Sentence | Iterable[Token]) -> list[K]:
        """Keys of the triggers that may match `message`, in their original order."""
        return [self.keys[position] for position in self.positions(message)]

    def candidate_patterns(
        self, message: Sentence | Iterable[Token]
    ) -> list[tuple[K, CompiledPattern]]:
        """Like `candidates`, with each trigger's compiled pattern."""
        return [(self.keys[p], self.patterns[p]) for p in self.positions(message)]
