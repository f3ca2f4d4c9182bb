"""`bubble test` and `bubble init` as a user runs them: real files, real processes, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bubble_lang.cli.main import main

from .helpers import ROOT, write_bot

CALCULATOR = '''dialog main do
  say "What do you want to compute?"
end

dialog trigger: "add [number=a] and [number=b]" do
  say message.a.value + message.b.value
end

dialog trigger: "help" do
  say "I can add, subtract and divide."
  ask "Shall I show an example?", expecting: ["yes", "no"]
  if answer == "yes" do
    say "add 5 and 5"
  end
end
'''

TESTS = '''test "adding" do
  expect "What do you want to compute"
  say "add 5 and 5"
  expect "11"
end

test "help" do
  say "help"
  expect "I can add"
  expect buttons: ["yes", "no"]
  say "yes"
  expect "add 5 and 5"
end
'''


def bubble(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bubble_lang", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_a_failing_test_shows_a_readable_transcript_diff(tmp_path, snapshot):
    write_bot(tmp_path, CALCULATOR, TESTS, name="calc")
    result = bubble("test", "calc.bot", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == snapshot


def test_verbose_keyword_and_exitfirst(tmp_path, capsys):
    path = write_bot(tmp_path, CALCULATOR, TESTS, name="calc")
    assert main(["test", str(path), "-k", "HELP", "-v"]) == 0
    out = capsys.readouterr().out
    assert "PASS  help" in out and "adding" not in out and "1 passed" in out
    assert main(["test", str(path), "-x"]) == 1
    out = capsys.readouterr().out
    assert "1 failed (stopped at the first failure: -x)" in out


def test_coverage_table_json_and_fail_under(tmp_path, capsys):
    path = write_bot(tmp_path, CALCULATOR, 'test "help" do\n  say "help"\n  say "no"\nend\n', name="calc")
    report = tmp_path / "coverage.json"
    code = main(["test", str(path), "--coverage", "--coverage-json", str(report)])
    out = capsys.readouterr().out
    assert code == 0
    assert "coverage" in out and "not reached:" in out and "calc.bot:5:1 dialog `trigger@5`" in out
    data = json.loads(report.read_text(encoding="utf-8"))
    bot = data["bots"][0]
    assert bot["dialogs"] == {"covered": 2, "total": 3, "percent": 66.7, "missed": [f"{path}:5:1 dialog `trigger@5`"]}
    assert bot["branches"]["covered"] == 1 and bot["branches"]["total"] == 2
    assert bot["asks"]["covered"] == 1 and bot["triggers"]["covered"] == 1
    assert main(["test", str(path), "--fail-under", "90"]) == 1
    assert "coverage of dialogs is 66.7%, under --fail-under 90%" in capsys.readouterr().out
    assert main(["test", str(path), "--fail-under", "60"]) == 0
    assert main(["test", str(path), "--fail-under", "60", "--fail-under-kind", "branches"]) == 1


def test_exit_codes_for_what_cannot_run(tmp_path, capsys):
    assert main(["test", str(tmp_path / "missing.bot")]) == 2
    assert "no such file" in capsys.readouterr().err
    lonely = tmp_path / "lonely.bot"
    lonely.write_text('dialog main do\n  say "hi"\nend\n', encoding="utf-8")
    assert main(["test", str(lonely)]) == 1
    out = capsys.readouterr().out
    assert "no tests ran" in out and f"no tests: {lonely}" in out
    broken = write_bot(tmp_path / "broken", 'dialog main do\n  say "hi"\nend\n', 'test "t" do\n  expect "x\nend\n')
    assert main(["test", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "did not compile" in out and "unclosed string" in out


def test_init_creates_a_bot_whose_tests_pass(tmp_path):
    result = bubble("init", "hello_bot", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "hello_bot"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "bubble.toml", "main.bot", "main.test.bot"]
    assert "Hello! I am Hello Bot." in (folder / "main.bot").read_text(encoding="utf-8")
    tested = bubble("test", "hello_bot", "--coverage", "--fail-under", "100", "--fail-under-kind", "all", cwd=tmp_path)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "4 passed" in tested.stdout
    linted = bubble("lint", "hello_bot", cwd=tmp_path)
    assert linted.returncode == 0, linted.stdout
    again = bubble("init", "hello_bot", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert 'expect "Hello! I am Hello Bot."' in (folder / "main.test.bot").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["or", "and_not", "42", "x-ray.v2", "émile", "my__bot", "end"])
def test_init_tests_pass_whatever_the_folder_is_called(tmp_path, capsys, name):
    """The greeting test quotes the bot's sentence as written: it must match for any title."""
    from bubble_lang.cli.init import create_bot

    create_bot(tmp_path / name)
    assert main(["test", str(tmp_path / name)]) == 0, capsys.readouterr().out


def test_an_input_no_channel_could_send_fails_the_test_at_its_line(tmp_path, capsys):
    """A refused input (here an event name over 200 characters) was B499, "internal error"."""
    bot = write_bot(tmp_path / "refused", 'dialog main do\n  say "hi"\nend\n',
                    'test "t" do\n  expect "hi"\n  event "' + "e" * 201 + '"\nend\n')
    assert main(["test", str(bot)]) == 1
    out = capsys.readouterr().out
    assert "error[B520]: the bot cannot be sent this: an event needs a name" in out and "B499" not in out
    assert "shop.test.bot:3:3" in out


def test_one_test_file_of_a_folder_bot_runs_against_the_whole_bot(tmp_path, capsys):
    """`bubble test bot/only.test.bot` ran its tests against an empty bot ("nothing was said")."""
    folder = tmp_path / "tb"
    folder.mkdir()
    (folder / "bubble.toml").write_text("")
    (folder / "main.bot").write_text('dialog main do\n  say "hello there"\n  invoke more\nend\n')
    (folder / "more.bot").write_text('dialog more do\n  say "and more"\nend\n')
    (folder / "only.test.bot").write_text('test "greets" do\n  expect "hello there"\n  expect "and more"\nend\n')
    (folder / "other.test.bot").write_text('test "fails" do\n  expect "never said"\nend\n')
    assert main(["test", str(folder / "only.test.bot")]) == 0, capsys.readouterr().out
    assert "1 passed" in capsys.readouterr().out  # only its own tests
    assert main(["lint", str(folder / "main.bot")]) == 0  # `more` is known: the file is the folder bot


def test_now_without_an_offset_is_in_the_bots_time_zone(tmp_path, capsys):
    """`--now 2024-03-05T10:00` was read as UTC: a bot in Amsterdam saw 11:00."""
    folder = tmp_path / "ams"
    folder.mkdir()
    (folder / "bubble.toml").write_text('[bot]\ntimezone = "Europe/Amsterdam"\n')
    (folder / "main.bot").write_text('dialog main do\n  say date_format(date_now(), "{h24}:{0m}")\nend\n\n'
                                     'test "t" do\n  expect "10:00"\nend\n')
    assert main(["test", str(folder), "--now", "2024-03-05T10:00"]) == 0, capsys.readouterr().out
    assert main(["test", str(folder), "--now", "2024-03-05T09:00Z"]) == 0, capsys.readouterr().out


def test_a_coverage_file_that_cannot_be_written_is_a_message_not_an_internal_error(tmp_path, capsys):
    bot = write_bot(tmp_path / "cov", 'dialog main do\n  say "hi"\nend\n', 'test "t" do\n  expect "hi"\nend\n')
    assert main(["test", str(bot), "--coverage-json", str(tmp_path / "no" / "such" / "x.json")]) == 2
    err = capsys.readouterr().err
    assert "cannot write the coverage" in err and "internal error" not in err


def test_a_bot_named_twice_runs_once_and_a_test_file_of_no_bot_is_an_error(tmp_path, capsys):
    """`bubble test calc*.bot` ran every test twice; `tests.test.bot` beside `greet.bot` ran
    against an empty bot ("nothing was said")."""
    bot = write_bot(tmp_path / "twice", 'dialog main do\n  say "hi"\nend\n', 'test "t" do\n  expect "hi"\nend\n')
    assert main(["test", str(bot), str(bot.with_name("shop.test.bot"))]) == 0
    assert "1 passed" in capsys.readouterr().out
    lonely = tmp_path / "orphan"
    lonely.mkdir()
    (lonely / "greet.bot").write_text('dialog main do\n  say "Hello there"\nend\n')
    (lonely / "tests.test.bot").write_text('test "t" do\n  expect "Hello there"\nend\n')
    assert main(["test", str(lonely)]) == 1
    assert "`tests.test.bot` tests no bot" in capsys.readouterr().out
    assert main(["lint", str(lonely)]) == 2


def test_fail_under_takes_a_percent_sign_and_its_kind_needs_it(tmp_path, capsys):
    """`--fail-under 88%` was "invalid float value"; `--fail-under-kind` alone was ignored."""
    bot = write_bot(tmp_path / "pct", 'dialog main do\n  say "hi"\nend\n', 'test "t" do\n  expect "hi"\nend\n')
    assert main(["test", str(bot), "--fail-under", "88%"]) == 0
    assert main(["test", str(bot), "--fail-under-kind", "all"]) == 2
    assert "give --fail-under PERCENT too" in capsys.readouterr().err
