"""How `bubble run` shows content and steps (cli/content_text.py, cli/downloads.py)."""

from __future__ import annotations

import base64

import pytest

from bubble_lang.cli.chat_session import render_output
from bubble_lang.engine.widget_words import human_size
from bubble_lang.cli.content_text import chart_line, markdown_lines, progress_line, qr_lines, table_lines
from bubble_lang.cli.downloads import safe_name, save_download
from bubble_lang.runtime.outputs import Output


def show(**data) -> Output:
    return Output(kind="show", data=data)


def test_markdown_is_rendered_not_printed_raw():
    lines = markdown_lines("# Hello Ada\nYou are **2 × Pizza**.\n\n- one\n- two\n\n`code`")
    assert lines == ["Hello Ada", "=========", "", "You are 2 × Pizza.", "", " • one", " • two", "", "code"]


def test_markdown_drops_html_and_ignores_console_markup():
    lines = markdown_lines("Hi <b>there</b> [red]x[/red]\n\n<script>alert(1)</script>")
    assert lines == ["Hi there [red]x[/red]"]


def test_markdown_in_colour_has_styles():
    lines = markdown_lines("**bold**", color=True)
    assert "\x1b[" in lines[0] and "bold" in lines[0]


def test_tables_are_aligned():
    assert table_lines(["dish", "price"], [["Pizza", 9.5], ["Soup", None]]) == [
        "+---------------+",
        "| dish  | price |",
        "|-------+-------|",
        "| Pizza | 9.5   |",
        "| Soup  |       |",
        "+---------------+",
    ]
    assert render_output(show(kind="table", columns=None, rows=[["a", "b"]])) == ["+-------+", "| a | b |",
                                                                                "+-------+"]


def test_qr_code_in_block_characters():
    lines = render_output(show(kind="qrcode", text="https://example.com"))
    assert lines[0] == "[qrcode] https://example.com"
    assert lines[1:] == qr_lines("https://example.com")
    assert len(lines) > 10 and set("".join(lines[1:])) <= set("█▀▄ ")


@pytest.mark.parametrize(("progress", "line"), [
    (0, "[--------------------]   0% Baking"), (40, "[########------------]  40% Baking"),
    (100, "[####################] 100% Baking"), (None, "(busy) Baking"),
])
def test_loading_is_a_progress_bar(progress, line):
    assert progress_line("Baking", progress) == line
    assert render_output(show(kind="loading", text="Baking", progress=progress, id="oven")) == [line]


def test_download_says_name_type_size_and_how_to_save():
    assert render_output(show(kind="download", name="order.txt", data="two pizzas\n", type="text/plain")) == [
        "[download] order.txt (text/plain, 11 bytes) — /save keeps it in .bubble/downloads/"]
    assert render_output(show(kind="download", name="menu.pdf", url="https://example.com/m.pdf",
                              type="application/pdf")) == [
        "[download] menu.pdf (application/pdf) — https://example.com/m.pdf"]
    data = base64.b64encode(b"\x89PNG" * 300).decode()
    assert render_output(show(kind="file", name="a.png", base64=data, type="image/png")) == [
        "[file] a.png (image/png, 1.2 KB) — /save keeps it in .bubble/downloads/"]


def test_sizes_in_words():
    assert [human_size(n) for n in (1, 512, 1536, 3 * 1024 * 1024)] == ["1 byte", "512 bytes", "1.5 KB", "3.0 MB"]


def test_chart_is_one_line():
    figure = {"kind": "chart", "data": [{"type": "bar"}, {"type": "bar"}, {"type": "scatter"}],
              "layout": {"title": {"text": "Sales"}}}
    assert chart_line(figure) == '[chart] "Sales": bar/scatter chart, 3 traces (the web chat draws it)'
    assert render_output(show(kind="chart", data=[])) == ["[chart] empty chart, 0 traces (the web chat draws it)"]


def test_buttons_and_other_content():
    buttons = [{"title": "Menu", "value": "menu"}, {"title": "Docs", "url": "https://example.com"}]
    assert render_output(show(kind="buttons", text="Pick", buttons=buttons)) == [
        "[buttons] Pick", "  <Menu>  <Docs: https://example.com>"]
    assert render_output(show(kind="image", url="https://example.com/cat.png")) == ["[image] https://example.com/cat.png"]


@pytest.mark.parametrize(("data", "line"), [
    ({"title": "Sides", "index": 4, "total": 7, "can_back": True, "final": False}, "Step 4 of 7 — Sides   Back: /back"),
    ({"title": "Sides", "index": 1, "total": 7, "can_back": False}, "Step 1 of 7 — Sides"),
    ({"title": "Done", "index": 7, "total": 7, "final": True}, "Step 7 of 7 — Done (final)"),
    ({"title": "Sides", "final": False}, "Step — Sides"),
    ({}, "Step — Sides"),
])
def test_steps_are_headers(data, line):
    assert render_output(Output(kind="step", text="Sides", data=data)) == [line]


def test_save_writes_beside_the_bot_and_never_overwrites(tmp_path):
    record = {"kind": "download", "name": "order.txt", "data": "two pizzas", "type": "text/plain"}
    assert save_download(record, tmp_path) == "(saved 10 bytes to .bubble/downloads/order.txt)"
    assert save_download(record, tmp_path) == "(saved 10 bytes to .bubble/downloads/order-1.txt)"
    assert save_download(record, tmp_path, "mine.txt") == "(saved 10 bytes to .bubble/downloads/mine.txt)"
    assert (tmp_path / ".bubble" / "downloads" / "order.txt").read_text() == "two pizzas"
    assert save_download(None, tmp_path) == "(nothing to save: the bot has not offered a file)"
    assert save_download({"name": "x.pdf", "url": "https://e.com/x.pdf"}, tmp_path) == \
        "(this download is a link: https://e.com/x.pdf)"
    assert save_download(record, None) == "(saving is not available here; it would go to .bubble/downloads/order.txt)"


@pytest.mark.parametrize(("name", "safe"), [
    ("../../etc/passwd", "passwd"), ("..", "download"), (".hidden", "hidden"), ("a\\b.txt", "b.txt"),
    ("we<i>rd:na|me?.txt", "we_i_rd_na_me_.txt"), ("", "download"), ("x" * 300 + ".txt", "x" * 116 + ".txt"),
])
def test_saved_names_are_sanitised(name, safe):
    assert safe_name(name) == safe


def test_save_stays_in_the_downloads_folder(tmp_path):
    record = {"kind": "download", "name": "../escape.txt", "data": "x"}
    assert save_download(record, tmp_path) == "(saved 1 bytes to .bubble/downloads/escape.txt)"
    assert not (tmp_path / ".bubble" / "escape.txt").exists()


def test_control_characters_from_the_script_never_reach_the_terminal():
    for color in (False, True):
        lines = markdown_lines("red \x1b[31mtext\x1b[0m\x07", color=color)
        assert "\x1b[31m" not in "".join(lines) and "\x07" not in "".join(lines)
        assert "\x1b]" not in "".join(table_lines(["a\x1b]0;title\x07"], [["\x1b[2J"]], color=color))


def test_width_is_the_terminal_s_in_colour():
    text = "word " * 40
    assert max(len(line) for line in markdown_lines(text, width=40)) <= 40
    assert max(len(line) for line in markdown_lines(text)) <= 80
