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
