"""The output-to-frame mapping of the BESSER endpoint, without a socket (the shapes the socket
tests do not reach: tables without column names, confirm maps, captcha pictures, degraded
widgets, content with captions)."""

from __future__ import annotations

import base64
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bubble_lang.runtime.outputs import Output
from bubble_lang.serve.besser_frames import Question, ask_frames, content_frames, dataframe_message


def test_dataframe_without_names_and_with_repeated_names():
    assert json.loads(dataframe_message(None, [[1, "a"], [2, None]])) == {"0": {"0": 1, "1": 2},
                                                                           "1": {"0": "a", "1": None}}
    assert list(json.loads(dataframe_message(["x", "x"], [[1, 2]]))) == ["x", "x (2)"]
    assert dataframe_message(["x"], []) == '{"x": {}}'


def test_confirm_shows_its_map_as_a_dataframe_then_yes_no():
    output = Output(kind="ask", text="Is this right?", data={"widget": {"kind": "confirm", "data": {"Name": "Ann"}}})
    frames, question = ask_frames(output)
    assert frames == [{"action": "bot_reply_str", "message": "Is this right?"},
                      {"action": "bot_reply_dataframe", "message": '{"0": {"0": "Name"}, "1": {"0": "Ann"}}'},
                      {"action": "bot_reply_options", "message": '{"0": "Yes", "1": "No"}'}]
    assert question.translate("YES").text == "yes"


def test_captcha_picture_becomes_a_jpeg_image():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    output = Output(kind="ask", text="Type the characters.", data={"widget": {"kind": "captcha", "image": url}})
    frames, _ = ask_frames(output)
    assert [f["action"] for f in frames] == ["bot_reply_image", "bot_reply_str"]
    assert base64.b64decode(frames[0]["message"])[:3] == b"\xff\xd8\xff"
    assert frames[1]["message"] == "Type the characters.\n\n(type the characters in the picture)"


def test_upload_and_form_questions_in_words():
    upload = Output(kind="ask", text="Your CV?", data={"widget": {"kind": "upload", "types": ["pdf"], "max_size": 2000000}})
    assert ask_frames(upload)[0] == [{"action": "bot_reply_str", "message":
                                      "Your CV?\n\n(a file; pdf; at most 1.9 MB — attach it with the file upload)"}]
    form = Output(kind="ask", text="About you", data={"widget": {"kind": "form", "fields": [
        {"name": "age", "kind": "int"}]}})
    message = ask_frames(form)[0][0]["message"]
    assert message.startswith("About you\n\n(a form: age (int); answer with one JSON object")


def test_content_with_caption_and_loading_and_unknown_kinds():
    frames, _ = content_frames(Output(kind="show", data={"kind": "image", "url": "https://x.test/a b.png",
                                                         "caption": "A cat"}))
    assert frames == [{"action": "bot_reply_markdown", "message": "![image](https://x.test/a%20b.png)"},
                      {"action": "bot_reply_str", "message": "A cat"}]
    frames, _ = content_frames(Output(kind="show", data={"kind": "loading", "text": "Working", "progress": 50}))
    assert frames[0]["message"].endswith(" 50% Working")
    frames, _ = content_frames(Output(kind="show", data={"kind": "download", "name": "a.pdf", "url": "https://x.test/a.pdf"}))
    assert frames == [{"action": "bot_reply_markdown", "message": "[Download a.pdf](https://x.test/a.pdf)"}]


def test_event_buttons_send_their_event():
    frames, picks = content_frames(Output(kind="show", data={"kind": "buttons", "text": "Go", "buttons": [
        {"title": "Start", "event": "start", "payload": {"n": 1}}]}))
    assert frames[1] == {"action": "bot_reply_options", "message": '{"0": "Start"}'}
    question = Question(picks=picks)
    assert question.translate("start").event == "start" and question.translate("start").payload == {"n": 1}
    assert question.translate("other").text == "other"


# --- BESSER's chat widget puts bot_reply_markdown through `marked` into innerHTML, unsanitised:
# every markdown frame must already be safe as HTML. A CommonMark renderer with raw HTML *on*
# (as `marked` has it) stands in for the widget.

def _as_widget_renders(markdown: str) -> str:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True})
    parser.validateLink = lambda url: True  # `marked` keeps every link
    return parser.render(markdown)


def _scheme(link: str) -> str | None:
    """The scheme a browser reads in an attribute's value (decoded once; tabs and newlines gone)."""
    import html

    url = re.sub(r"[\t\n\r]", "", html.unescape(link)).lstrip("\x00\x01\x02\x03\x04\x05 ")
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", url)
    return found.group(1).lower() if found else None


# What markdown itself makes (CommonMark and tables); `class` names a fence's language, `start` a list's first number.
_MARKDOWN_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "a", "img", "code", "pre", "br", "ul", "ol",
                  "li", "blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td", "del", "s"}


def _safe_html(html: str) -> bool:
    """Only markdown's own elements, no attribute but links, and links only to web or mail."""
    tags = set(re.findall(r"<\s*([a-zA-Z][\w-]*)", html))
    attributes = set(re.findall(r"\s([a-zA-Z-]+)=\"", html))
    links = re.findall(r'(?:href|src)="([^"]*)"', html)
    return (tags <= _MARKDOWN_TAGS and attributes <= {"href", "src", "alt", "title", "class", "start"}
            and all(_scheme(link) in (None, "http", "https", "mailto") for link in links))


def test_markdown_the_author_shows_cannot_carry_html_or_script_links():
    from bubble_lang.serve.besser_frames import safe_markdown

    hostile = ["# Hello <img src=x onerror=alert(1)>", "[click](javascript:alert(1))", "[c]( javascript:alert(1) )",
               "![i](data:text/html;base64,PHNjcmlwdD4=)", "[r]\n\n[r]: javascript:alert(1)", "<javascript:alert(1)>",
               "[e](java&#115;cript:alert(1))", "<script>alert(1)</script>", "`<b>` & AT&T"]
    for text in hostile:
        frames, _ = content_frames(Output(kind="show", data={"kind": "md", "text": text}))
        html = _as_widget_renders(frames[0]["message"])
        assert _safe_html(html), (text, html)
    assert safe_markdown("# Title\n* [docs](https://x.test/a_b) and **bold** > quoted") == (
        "# Title\n* [docs](https://x.test/a_b) and **bold** > quoted")  # markdown as written stays markdown


def test_values_bubble_puts_into_markdown_show_as_written():
    name = "<img src=x onerror=alert(1)> *Ann* [x](javascript:1)"
    for data in ({"kind": "contact", "name": name, "phone": "+31 20"},
                 {"kind": "download", "name": name, "url": "https://x.test/f.txt"},
                 {"kind": "web", "url": "javascript:alert(1)"},
                 {"kind": "image", "url": "javascript:alert(1)"},
                 {"kind": "buttons", "text": "Go", "buttons": [{"title": name, "url": "https://x.test/"},
                                                               {"title": "bad", "url": "javascript:alert(1)"}]}):
        frames, _ = content_frames(Output(kind="show", data=data))
        markdown = [f["message"] for f in frames if f["action"] == "bot_reply_markdown"][0]
        html = _as_widget_renders(markdown)
        assert _safe_html(html), (data, html)
        if data["kind"] in ("contact", "download"):
            assert "&lt;img src=x onerror=alert(1)&gt; *Ann*" in html  # the name as typed, not as markup


def test_a_structured_contact_card_shows_every_detail():
    card = {"kind": "contact", "name": {"first_name": "Sam", "last_name": "Helpdesk"},
            "phones": [{"phone": "+31 20 123 4567", "type": "work"}], "emails": [{"email": "support@example.com"}],
            "addresses": [{"street": "Main 1", "city": "Amsterdam"}], "url": "https://x.test"}
    frames, _ = content_frames(Output(kind="show", data=card))
    assert frames == [{"action": "bot_reply_markdown", "message": (
        "**Sam Helpdesk**  \n**Phone:** +31 20 123 4567 \\(work\\)  \n**Email:** support@example.com  \n"
        "**Address:** Main 1, Amsterdam  \n**Web:** https://x.test")}]
    assert Output(kind="show", data=card).summary() == (
        "[contact] Sam Helpdesk, Phone: +31 20 123 4567 (work), Email: support@example.com, "
        "Address: Main 1, Amsterdam, Web: https://x.test")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", "&", "#", ";", ":", "(", ")", "[", "]", "!", "`", "\\", " ", "\n", "\t",
                                 "javascript", "data", "x", "img", "src=", "onerror=", "a", "http", "/", "\"", "'",
                                 "script", "115", "&#", "\x01", "*", "_"]), max_size=30).map("".join))
def test_no_markdown_becomes_a_tag_or_a_script_link(text):
    from bubble_lang.serve.besser_frames import safe_markdown

    assert _safe_html(_as_widget_renders(safe_markdown(text))), text
