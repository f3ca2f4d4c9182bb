"""`show md(…)` as safe HTML for the web chat (layer 9).

Input: the markdown text a script showed (untrusted: it may hold what a user typed). Output: HTML
made by markdown-it-py with raw HTML off, so `<script>` or `<img onerror>` in the text come out
as escaped text, and with links and images kept only for `http:`, `https:` and `mailto:` (a
`javascript:` or `data:` link stays plain text). Why on the server: one well-kept CommonMark
parser instead of a hand-written one in the page; the page still rebuilds the result through an
allow-list of elements and attributes, so this HTML is never trusted as such.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def safe_link(url: str) -> bool:
    """Only web and mail links; relative links and fragments have no meaning in a chat."""
    return url.strip().lower().startswith(SAFE_SCHEMES)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.validateLink = safe_link  # type: ignore[method-assign]
    return parser.enable("table").enable("strikethrough")


def markdown_html(text: str) -> str:
    """The HTML of one markdown text (see the module docstring)."""
    return _parser().render(text)
