"""Declarations of the text builtins (layer 4): data for the registry, no implementations."""

from __future__ import annotations

from functools import partial

from .model import Builtin, declare

_text = partial(declare, category="text")


DECLARATIONS: tuple[Builtin, ...] = (
    _text(
        "length", "value", "number",
        """Counts the characters of a text, the items of a list or the entries of a map;
        `length(nil)` is 0.""",
        'length("abc") -> 3',
        "length([1, 2]) -> 2",
    ),
    _text(
        "upcase", "text", "text",
        """Turns every letter of the text into upper case.""",
        'upcase("hello") -> "HELLO"',
    ),
    _text(
        "downcase", "text", "text",
        """Turns every letter of the text into lower case.""",
        'downcase("Hello") -> "hello"',
    ),
    _text(
        "capitalize", "text", "text",
        """Makes the first character of the text upper case and the rest lower case.""",
        'capitalize("hELLO world") -> "Hello world"',
    ),
    _text(
        "trim", "text", "text",
        """Removes spaces, tabs and newlines from both ends of the text.""",
        'trim("  hi \\n") -> "hi"',
    ),
    _text(
        "split", "text, separator?", "list",
        """Cuts the text at every occurrence of the separator and gives the pieces; without a
        separator it cuts at runs of whitespace and drops empty pieces.""",
        'split("a,b,c", ",") -> ["a", "b", "c"]',
        'split("  red  green ") -> ["red", "green"]',
    ),
    _text(
        "join", "list, separator?", "text",
        """Glues the items of a list into one text, turning each item into text as `string`
        does and putting the separator (default: nothing) between them.""",
        'join(["a", "b", "c"], ", ") -> "a, b, c"',
        'join([1, 2]) -> "12"',
    ),
    _text(
        "join_and", "list, word?", "text",
        """Writes a list the way a person would: items separated by commas, the last two by
        `word` (default "and"); a map item shows its `title`. One item gives just that item,
        an empty list gives "".""",
        'join_and(["pizza", "pasta", "salad"]) -> "pizza, pasta and salad"',
        'join_and(["tea", "coffee"], "or") -> "tea or coffee"',
    ),
    _text(
        "replace", "text, pattern, replacement", "text",
        """Replaces every occurrence of `pattern` (plain text, case-sensitive) in the text.""",
        'replace("a-b-c", "-", " ") -> "a b c"',
    ),
    _text(
        "contains", "value, part", "boolean",
        """Tells whether a text contains another text (case-sensitive), a list contains an
        item, or a map has a key.""",
        'contains("hello", "ell") -> true',
        'contains([1, 2], 3) -> false',
    ),
    _text(
        "starts_with", "text, prefix", "boolean",
        """Tells whether the text begins with the prefix (case-sensitive).""",
        'starts_with("hello", "he") -> true',
    ),
    _text(
        "ends_with", "text, suffix", "boolean",
        """Tells whether the text ends with the suffix (case-sensitive).""",
        'ends_with("photo.png", ".png") -> true',
    ),
    _text(
        "number", "text", "number",
        """Reads a number from text: an integer when it has no fraction, else a float;
        surrounding spaces and `_` or `,` thousands separators are allowed; a number passes
        through; anything else gives `nil`.""",
        'number("42") -> 42',
        'number(" 3.5 ") -> 3.5',
        'number("abc") -> nil',
    ),
    _text(
        "string", "value", "text",
        """Turns any value into text: `nil` becomes "", numbers and booleans as written,
        lists and maps as bubble literals, date-times in ISO 8601.""",
        'string(42) -> "42"',
        'string([1, "a"]) -> "[1, \\"a\\"]"',
    ),
    _text(
        "format_number", "number, decimals?", "text",
        """Writes a number for people: with exactly `decimals` digits after the point (rounded
        half away from zero; default: an integer shows none, a float all it has) and
        thousands grouped; the options `thousands:` (default ",") and `decimal:`
        (default ".") change the separators.""",
        'format_number(1234567.891, 2) -> "1,234,567.89"',
        'format_number(1234.5, 2, thousands: ".", decimal: ",") -> "1.234,50"',
        keywords=("thousands", "decimal"),
    ),
)
