"""Plain pytest on `*.test.bot` files: items, `-k`, `-x`, `--junitxml`, failures without tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .helpers import ROOT, write_bot
from .test_samples import plugin_args

BOT = '''dialog main do
  say "Hello"
end

dialog trigger: "ping" do
  say "pong"
end
'''

TESTS = '''test "greets" do
  expect "Hello"
end

test "pings" do
  say "ping"
  expect "pong"
end

test "fails" do
  say "ping"
  expect "pang"
end
'''


def pytest_run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pytest", *plugin_args(), "-p", "no:cacheprovider",
                           "--rootdir", str(folder), *args], capture_output=True, text=True, cwd=folder, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def test_items_failures_and_junit(tmp_path):
    write_bot(tmp_path, BOT, TESTS, name="pinger")
    result = pytest_run(tmp_path, "--junitxml=report.xml")
    assert result.returncode == 1
    assert "1 failed, 2 passed" in result.stdout
    assert "FAILED pinger.test.bot::fails" in result.stdout
    assert "error[B480]" in result.stdout and 'expect "pang"' in result.stdout and "B: pong   <- unread" in result.stdout
    assert "Traceback" not in result.stdout and "bubble_lang" not in result.stdout
    xml = (tmp_path / "report.xml").read_text(encoding="utf-8")
    assert 'name="pings"' in xml and 'failures="1"' in xml


def test_keyword_and_exitfirst(tmp_path):
    write_bot(tmp_path, BOT, TESTS, name="pinger")
    selected = pytest_run(tmp_path, "-k", "pings or greets")
    assert selected.returncode == 0 and "2 passed, 1 deselected" in selected.stdout
    first = pytest_run(tmp_path, "-x", "-k", "fails or pings")
    assert first.returncode == 1 and "1 failed, 1 passed" in first.stdout


def test_report_names_the_test_line(tmp_path):
    write_bot(tmp_path, BOT, TESTS, name="pinger")
    result = pytest_run(tmp_path, "-v", "-k", "fails")
    assert "pinger.test.bot::fails FAILED" in result.stdout
    assert "pinger.test.bot:12:3" in result.stdout


def test_a_bot_that_does_not_compile_is_a_collection_error(tmp_path):
    write_bot(tmp_path, BOT, 'test "t" do\n  expect "unclosed\nend\n', name="pinger")
    result = pytest_run(tmp_path)
    assert result.returncode != 0
    assert "ERROR collecting pinger.test.bot" in result.stdout
    assert "error[B001]: unclosed string" in result.stdout and "Traceback" not in result.stdout


def test_folder_bots_and_inline_tests(tmp_path):
    folder = tmp_path / "desk"
    folder.mkdir()
    (folder / "bubble.toml").write_text('[bot]\ntimezone = "Europe/Amsterdam"\n', encoding="utf-8")
    (folder / "main.bot").write_text(BOT + '\ntest "inline" do\n  expect "Hello"\nend\n', encoding="utf-8")
    (folder / "a.test.bot").write_text('test "from a" do\n  say "ping"\n  expect "pong"\nend\n', encoding="utf-8")
    (folder / "b.test.bot").write_text('test "from b" do\n  assert bot.timezone == "Europe/Amsterdam"\nend\n',
                                       encoding="utf-8")
    result = pytest_run(tmp_path, "-v")
    assert result.returncode == 0, result.stdout
    assert "a.test.bot::from a PASSED" in result.stdout and "a.test.bot::inline PASSED" in result.stdout
    assert "b.test.bot::from b PASSED" in result.stdout
    assert "3 passed" in result.stdout
