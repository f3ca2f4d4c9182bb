"""The resolver's `Program`: symbol tables, whole-bot resolution and data-file constants."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubble_lang.build import parse_script
from bubble_lang.checks import run_checks
from bubble_lang.diagnostics import Severity
from bubble_lang.frontend import check_bot, discover_bots
from bubble_lang.resolve import resolve_bot
from bubble_lang.source import SourceFile

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _scripts(*texts: str):
    return [parse_script(SourceFile(f"part{i}.bot", text)) for i, text in enumerate(texts)]


BOT = '''
@yes intent(match: "yes | sure")

dialog main do
  invoke menu
end

dialog menu when user.vip do
  say "vip menu"
end

dialog menu do
  say "menu"
  dialog trigger: "back", do: invoke main
  dialog __unknown__, do: say "?"
end

dialog trigger: "hi", do: invoke main
dialog event: "ping", do: say "pong"
dialog attachment: :image, do: say "nice"

task before: menu do
  log "menu starts"
end

task event: "ping" do
  log "pinged"
end

task tally do
  total = 1
end

test "greets" do
  say "hi"
end
'''


def test_program_tables() -> None:
    program = resolve_bot(_scripts(BOT))
    assert program.diagnostics == []
    assert program.entry == "main"
    assert [info.guard is not None for info in program.dialogs["menu"]] == [True, False]
    assert [info.display_name for info in program.trigger_dialogs] == ["trigger@18"]
    assert [info.display_name for info in program.event_dialogs] == ["event@19"]
    assert [info.display_name for info in program.attachment_dialogs] == ["attachment@20"]
    menu = program.dialogs["menu"][1]
    assert [inner.kind for inner in menu.inner] == ["trigger", "named"]
    assert [inner.display_name for inner in menu.inner_matchers] == ["trigger@14"]
    assert list(program.before_tasks) == ["menu"]
    assert len(program.event_tasks) == 1 and list(program.tasks) == ["tally"]
    assert len(program.tests) == 1 and list(program.constants) == ["yes"]
    assert len(program.patterns) == 3  # "yes | sure", "back", "hi"
    assert program.usage.dialogs["main"] and program.usage.constants == {}


def test_names_resolve_across_files() -> None:
    """A directory bot may split its dialogs, tasks and constants over files."""
    program = resolve_bot(_scripts(
        'dialog main do\n  say @greeting\n  perform tally\n  invoke other\nend\n',
        '@greeting "hi"\n\ntask tally do\n  n = 1\nend\n',
        'dialog other do\n  say "other"\nend\n',
    ))
    assert program.diagnostics == []


def test_entry_point_in_another_file() -> None:
    program = resolve_bot(_scripts('dialog helper do\n  say "x"\nend\n', 'dialog main do\n  invoke helper\nend\n'))
    assert program.entry == "main" and program.diagnostics == []


def test_tests_only_file_needs_no_entry_point() -> None:
    program = resolve_bot(_scripts('test "a" do\n  say "hi"\nend\n'))
    assert program.entry is None and program.diagnostics == []


def test_all_problems_in_one_pass() -> None:
    program = resolve_bot(_scripts(
        'dialog main do\n  invoke a\n  invoke b\n  say @c\n  say d(1)\nend\n',
        'dialog other do\n  perform e\nend\n',
    ))
    assert [d.code for d in program.diagnostics] == ["B101", "B101", "B103", "B104", "B102"]


def test_data_constants_count_as_defined() -> None:
    source = SourceFile("settings.yaml", "close_time: 18\n")
    data = {"settings": source.span(0, 0)}
    scripts = _scripts('dialog main do\n  say @settings.close_time\n  say @setings\nend\n')
    program = resolve_bot(scripts, data_constants=data)
    [diagnostic] = program.diagnostics
    assert diagnostic.code == "B103"
    assert diagnostic.hint is not None and "`@settings`" in diagnostic.hint
    assert diagnostic.labels[0].span.file is source


def test_script_constant_clashing_with_a_data_file() -> None:
    program = resolve_bot(_scripts('@menu [1]\n\ndialog main do\n  say @menu\nend\n'),
                          data_constants={"menu": None})
    assert [d.code for d in program.diagnostics] == ["B505"]


def test_checks_are_all_warnings() -> None:
    program = resolve_bot(_scripts('@x 1\n\ndialog main do\n  close\n  say y\nend\n'))
    warnings = run_checks(program)
    assert {d.code for d in warnings} == {"B303", "B304", "B305"}
    assert all(d.severity is Severity.WARNING for d in warnings)


SAMPLE_BOTS = sorted(SAMPLES.glob("*.bot"))


@pytest.mark.parametrize("path", [p for p in SAMPLE_BOTS if not p.name.endswith(".test.bot")],
                         ids=lambda p: p.name)
def test_samples_resolve_without_errors(path: Path) -> None:
    [files] = list(discover_bots(path))
    result = check_bot(files)
    errors = [f"{d.span.location() if d.span else '?'}: {d.code} {d.message}"
              for d in result.diagnostics if d.severity is Severity.ERROR]
    assert errors == []


def test_invoking_a_statement_says_it_is_a_statement() -> None:
    """The training course writes `dialog label: "Nothing", do: invoke close` (catalogue A18)."""
    program = resolve_bot(_scripts('dialog main do\n  prompt "Anything?"\n'
                                   '  dialog label: "Nothing", do: invoke close\nend\n'))
    [diagnostic] = program.diagnostics
    assert diagnostic.code == "B101"
    assert diagnostic.hint == "`close` is a statement, not a dialog: write `close` on its own"


def test_a_data_file_beside_a_single_file_bot_is_named_in_the_hint(tmp_path: Path) -> None:
    """`@menu` from `menu.yaml` (catalogue A30) needs a folder bot; without `bubble.toml` the
    folder is a folder of bots and `@menu` is unknown: the hint says why, not "define it"."""
    (tmp_path / "main.bot").write_text("dialog main do\n  repeat item in @menu do\n    say item.title\n"
                                       "  end\n  say @other\nend\n", encoding="utf-8")
    (tmp_path / "menu.yaml").write_text("- title: Pizza\n", encoding="utf-8")
    [files] = discover_bots(tmp_path)
    menu, other = [d for d in check_bot(files).diagnostics if d.code == "B103"]
    assert menu.hint is not None and "`menu.yaml` is beside this script" in menu.hint
    assert "bubble.toml" in menu.hint
    assert other.hint == "define it at the top level: `@other <value>`"
    (tmp_path / "bubble.toml").write_text("", encoding="utf-8")
    [files] = discover_bots(tmp_path)
    assert [d.code for d in check_bot(files).diagnostics if d.severity is Severity.ERROR] == ["B103"]


def test_the_old_intent_variable_points_to_message_intent() -> None:
    """The old intent docs log `intent` (catalogue B11); bubble has `message.intent`."""
    program = resolve_bot(_scripts('@hi intent(match: "hi")\n\ndialog main do\n  say "x"\nend\n\n'
                                   'dialog trigger: @hi do\n  log intent\nend\n'))
    [warning] = [d for d in run_checks(program) if d.code == "B304"]
    assert warning.hint is not None and "`message.intent`" in warning.hint
