"""A Pygments lexer for `.bot` scripts (layer 3), for documentation sites and `pygmentize -l bubble`.

Registered as the `pygments.lexers` entry point `bubble` (aliases `bot`, `bubblescript`; files
`*.bot`). The word lists come from the language's own tables (`lexer.KEYWORDS`,
`statements.STATEMENTS`, `statements.RUNTIME_VARIABLES`), so the highlighting follows the
language. Strings highlight their `#{…}` interpolations as code, and trigger strings are
highlighted like any string (BML inside them is left as text here; the editor grammar colours it).
Pygments is only needed when this module is imported (it comes with `rich`, a core dependency).
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, include, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Whitespace

from .lexer import KEYWORDS
from .statements import RUNTIME_VARIABLES, STATEMENTS


class BubbleLexer(RegexLexer):
    """Bubblescript-style dialog scripts (`.bot`, `.test.bot`)."""

    name = "Bubble"
    aliases = ["bubble", "bot", "bubblescript"]
    filenames = ["*.bot"]
    mimetypes = ["text/x-bubble"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"', String.Double, "string"),
            (r"'", String.Single, "single"),
            (r"(dialog|task|test)(\s+)([A-Za-z_][A-Za-z0-9_]*)", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            include("code"),
        ],
        "code": [
            (r"\s+", Whitespace),
            (r"#(?!\{).*?$", Comment.Single),
            (r'"', String.Double, "string"),
            (words(tuple(KEYWORDS), suffix=r"\b"), Keyword),
            (words(tuple(STATEMENTS), suffix=r"\b"), Keyword.Reserved),
            (words(tuple(RUNTIME_VARIABLES), suffix=r"\b"), Name.Builtin.Pseudo),
            (r"@[A-Za-z_][A-Za-z0-9_.]*", Name.Constant),
            (r":[A-Za-z_][A-Za-z0-9_]*", String.Symbol),
            (r"[A-Za-z_][A-Za-z0-9_]*(?=:(?!:))", Name.Attribute),
            (r"[A-Za-z_][A-Za-z0-9_]*(?=\()", Name.Function),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name.Variable),
            (r"\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?", Number),
            (r"%\{", Punctuation, "map"),
            (r"->|==|!=|<=|>=|&&|\|\||[-+*/<>=!|]", Operator),
            (r"[()\[\],.:;]", Punctuation),
        ],
        "map": [
            (r"\}", Punctuation, "#pop"),
            include("code"),
        ],
        "string": [
            (r'\\.', String.Escape),
            (r"#\{", String.Interpol, "interpolation"),
            (r'"', String.Double, "#pop"),
            (r'[^"\\#]+', String.Double),
            (r"#", String.Double),
        ],
        "single": [
            (r"\\.", String.Escape),
            (r"'", String.Single, "#pop"),
            (r"[^'\\]+", String.Single),
        ],
        "interpolation": [
            (r"\}", String.Interpol, "#pop"),
            include("code"),
        ],
    }
