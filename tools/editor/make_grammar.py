"""Writes tools/editor/vscode/syntaxes/bubble.tmLanguage.json, the TextMate grammar of `.bot`
scripts, from the language's own word tables (so the editor follows the language).

    python tools/editor/make_grammar.py          # rewrite the grammar
    python tools/editor/make_grammar.py --check  # exit 1 when the committed grammar is stale
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bubble_lang.lexer import KEYWORDS  # noqa: E402
from bubble_lang.statements import RUNTIME_VARIABLES, STATEMENTS  # noqa: E402

TARGET = Path(__file__).resolve().parent / "vscode" / "syntaxes" / "bubble.tmLanguage.json"
WORD_OPERATORS = ("and", "or", "not", "in")
CONSTANTS = ("true", "false", "nil")


def grammar() -> dict:
    control = sorted(set(KEYWORDS) - {"dialog", "task", "test", *WORD_OPERATORS, *CONSTANTS})
    string_end = {"0": {"name": "punctuation.definition.string.end.bubble"}}
    return {
        "name": "Bubble",
        "scopeName": "source.bubble",
        "fileTypes": ["bot"],
        "patterns": [{"include": "#comment"}, {"include": "#declaration"}, {"include": "#code"}],
        "repository": {
            "comment": {"match": "#(?!\\{).*$", "name": "comment.line.number-sign.bubble"},
            "declaration": {
                "match": "^\\s*(dialog|task|test)\\b(?:\\s*([A-Za-z_][A-Za-z0-9_]*)\\b(?!:))?",
                "captures": {"1": {"name": "keyword.declaration.bubble"}, "2": {"name": "entity.name.function.bubble"}},
            },
            "trigger": {
                "begin": "\\b(trigger|match)(:)\\s*(\")",
                "beginCaptures": {"1": {"name": "variable.parameter.option.bubble"},
                                  "2": {"name": "punctuation.separator.key-value.bubble"},
                                  "3": {"name": "punctuation.definition.string.begin.bubble"}},
                "end": "\"", "endCaptures": string_end,
                "contentName": "string.quoted.double.bml.bubble",
                "patterns": [{"include": "#bml"}],
            },
            "bml": {"patterns": [
                {"match": "\\[(email|number|url|time|date|duration|phone_number|amount_of_money|money)(=[A-Za-z_]+)?\\]",
                 "name": "support.type.entity.bml.bubble"},
                {"match": "\\[(Start|End)\\]", "name": "keyword.control.anchor.bml.bubble"},
                {"match": "\\[[0-9+?=A-Za-z_-]*\\]", "name": "keyword.operator.quantifier.bml.bubble"},
                {"match": "@[A-Za-z_][A-Za-z0-9_.]*", "name": "variable.other.constant.concept.bml.bubble"},
                {"match": "/(?:\\\\/|[^/])+/T?", "name": "string.regexp.bml.bubble"},
                {"match": "'[^']*'", "name": "string.quoted.single.literal.bml.bubble"},
                {"match": "[|()<>]", "name": "keyword.operator.bml.bubble"},
                {"match": "(?<![A-Za-z0-9])_(?![A-Za-z0-9])|\\?", "name": "keyword.operator.wildcard.bml.bubble"},
            ]},
            "string": {
                "begin": "\"", "end": "\"",
                "beginCaptures": {"0": {"name": "punctuation.definition.string.begin.bubble"}},
                "endCaptures": string_end,
                "name": "string.quoted.double.bubble",
                "patterns": [{"match": "\\\\.", "name": "constant.character.escape.bubble"},
                             {"include": "#interpolation"}],
            },
            "interpolation": {
                "begin": "#\\{", "end": "\\}",
                "beginCaptures": {"0": {"name": "punctuation.section.interpolation.begin.bubble"}},
                "endCaptures": {"0": {"name": "punctuation.section.interpolation.end.bubble"}},
                "name": "meta.interpolation.bubble",
                "patterns": [{"include": "#code"}],
            },
            "code": {"patterns": [
                {"include": "#comment"},
                {"include": "#trigger"},
                {"include": "#string"},
                {"match": "\\b(" + "|".join(control) + ")\\b", "name": "keyword.control.bubble"},
                {"match": "\\b(" + "|".join(WORD_OPERATORS) + ")\\b", "name": "keyword.operator.word.bubble"},
                {"match": "\\b(" + "|".join(CONSTANTS) + ")\\b", "name": "constant.language.bubble"},
                {"match": "\\b(" + "|".join(sorted(STATEMENTS)) + ")\\b", "name": "keyword.other.statement.bubble"},
                {"match": "\\b(" + "|".join(sorted(RUNTIME_VARIABLES)) + ")\\b", "name": "variable.language.bubble"},
                {"match": "@[A-Za-z_][A-Za-z0-9_.]*", "name": "variable.other.constant.bubble"},
                {"match": "(?<![A-Za-z0-9_]):[A-Za-z_][A-Za-z0-9_]*", "name": "constant.other.symbol.bubble"},
                {"match": "\\b([A-Za-z_][A-Za-z0-9_]*)(:)(?!:)",
                 "captures": {"1": {"name": "variable.parameter.option.bubble"},
                              "2": {"name": "punctuation.separator.key-value.bubble"}}},
                {"match": "\\b([A-Za-z_][A-Za-z0-9_]*)(?=\\()", "name": "entity.name.function.call.bubble"},
                {"match": "\\b\\d[\\d_]*(\\.\\d[\\d_]*)?\\b", "name": "constant.numeric.bubble"},
                {"match": "->|==|!=|<=|>=|&&|\\|\\||[-+*/<>=!]", "name": "keyword.operator.bubble"},
            ]},
        },
    }


def main() -> int:
    text = json.dumps(grammar(), indent=2) + "\n"
    if "--check" in sys.argv:
        stale = not TARGET.exists() or TARGET.read_text() != text
        if stale:
            print(f"{TARGET} is stale: run python tools/editor/make_grammar.py")
        return 1 if stale else 0
    TARGET.write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
