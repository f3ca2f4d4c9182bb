"""`bubble lint` and `bubble explain` as a user runs them: real files, real exit codes, real output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bubble_lang.cli.main import main
from bubble_lang.codes import CODES
from bubble_lang.codes.markdown import render_codes_markdown

ROOT = Path(__file__).resolve().parents[2]

GOOD = 'dialog main do\n  say "Hello"\nend\n'
BROKEN = 'dialog main do\n  say "Hello\nend\n'
UNKNOWN = 'dialog main do\n  invoke menuu\nend\n\ndialog menu do\n  say "x"\nend\n'


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_file_exits_0(tmp_path, capsys):
    code, out, err = run_cli(capsys, "lint", str(write(tmp_path, "ok.bot", GOOD)))
    assert code == 0
    assert out == ""
    assert "no problems found" in err


def test_syntax_error_exits_1_with_caret(tmp_path, capsys):
    path = write(tmp_path, "bad.bot", BROKEN)
    code, out, _ = run_cli(capsys, "lint", str(path))
    assert code == 1
    assert f"{path}:2:7" in out
    assert "unclosed string" in out
    assert "^" in out and "help:" in out
    assert "Traceback" not in out


def test_concise_and_json_formats(tmp_path, capsys):
    path = write(tmp_path, "u.bot", UNKNOWN)
    code, out, _ = run_cli(capsys, "lint", "--format", "concise", str(path))
    assert code == 1
    assert out.splitlines()[0].startswith(f"{path}:2:10: B")
    code, out, _ = run_cli(capsys, "lint", "--format", "json", str(path))
    data = json.loads(out)
    assert data[0]["line"] == 2 and data[0]["column"] == 10
    assert "menu" in (data[0]["hint"] or "")


@pytest.mark.parametrize("fmt", ["github", "sarif"])
def test_machine_formats(tmp_path, capsys, fmt):
    path = write(tmp_path, "u.bot", UNKNOWN)
    code, out, _ = run_cli(capsys, "lint", "--format", fmt, str(path))
    assert code == 1
    if fmt == "sarif":
        assert json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    else:
        assert out.startswith("::error file=")


def test_missing_path_and_bad_option_exit_2(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "lint", str(tmp_path / "nope.bot"))
    assert code == 2
    assert "no such file" in out
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--format", "xml", str(tmp_path)])
    assert exit_info.value.code == 2


def test_empty_directory_exits_2(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "lint", str(tmp_path))
    assert code == 2
    assert "no `.bot` files" in out


def test_ignore_comment_and_unused_ignore(tmp_path, capsys):
    code_of_unknown = "B" + next(c for c in CODES if c.startswith("B1"))[1:]  # any B1xx exists
    assert code_of_unknown
    path = write(tmp_path, "u.bot", UNKNOWN)
    code, out, _ = run_cli(capsys, "lint", "--format", "json", str(path))
    found = json.loads(out)[0]["code"]
    text = UNKNOWN.replace("invoke menuu", f"invoke menuu  # bubble: ignore[{found}]")
    write(tmp_path, "u.bot", text)
    code, out, _ = run_cli(capsys, "lint", "--format", "json", str(path))
    assert code == 0 and json.loads(out) == []
    write(tmp_path, "u.bot", GOOD.replace('say "Hello"', 'say "Hello"  # bubble: ignore[B031]'))
    code, out, _ = run_cli(capsys, "lint", "--format", "json", str(path))
    assert [d["code"] for d in json.loads(out)] == ["B501"]
    assert code == 0
    code, out, _ = run_cli(capsys, "lint", "--fail-on-warnings", str(path))
    assert code == 1


def test_exit_zero_reports_but_does_not_fail(tmp_path, capsys):
    path = write(tmp_path, "u.bot", UNKNOWN)
    code, out, _ = run_cli(capsys, "lint", "--format", "concise", str(path))
    assert code == 1 and "B101" in out
    code, out, _ = run_cli(capsys, "lint", "--format", "concise", "--exit-zero", str(path))
    assert code == 0 and "B101" in out  # the findings are still reported
    code, _, _ = run_cli(capsys, "lint", "--exit-zero", str(tmp_path / "missing.bot"))
    assert code == 2  # nothing could be checked: not hidden


def test_samples_are_clean(capsys):
    code, out, err = run_cli(capsys, "lint", str(ROOT / "samples"))
    assert code == 0, out


def test_explain_code_and_builtin(capsys):
    code, out, _ = run_cli(capsys, "explain", "B001")
    assert code == 0 and "unclosed string" in out and "Fix:" in out
    code, out, _ = run_cli(capsys, "explain", "fn:join")
    assert code == 0 and "join(" in out
    code, _, err = run_cli(capsys, "explain", "fn:jion")
    assert code == 2 and "did you mean `fn:join`" in err
    code, _, err = run_cli(capsys, "explain", "B9999")
    assert code == 2


def test_fmt_is_built(capsys):
    """`bubble fmt` once said "not built yet"; it now checks layout (tests/cli/test_fmt.py)."""
    code, _, err = run_cli(capsys, "fmt", "--check", str(ROOT / "samples" / "pizza.bot"))
    assert code == 0 and "not built yet" not in err


def test_console_script_runs_as_a_process(tmp_path):
    path = write(tmp_path, "bad.bot", BROKEN)
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "lint", "--format", "concise", str(path)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert f"{path}:2:7: B001 unclosed string" in result.stdout


def test_diagnostics_doc_is_in_sync():
    on_disk = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert on_disk == render_codes_markdown(), (
        "docs/diagnostics.md is stale: run `python -m bubble_lang.codes.markdown > docs/diagnostics.md`")


def test_every_code_is_documented_in_house_style():
    for code, info in CODES.items():
        assert info.code == code
        assert info.what and info.why and info.example and info.fix, code
        assert info.title[0].islower() or info.title[0] in "`@", f"{code}: titles start lowercase"
        assert not info.title.endswith("."), code


def test_an_internal_error_exits_2_without_a_traceback(tmp_path, capsys, monkeypatch):
    """SPEC §17: exit code 3 is never used; a bug in bubble exits 2 with a pointer to BUBBLE_DEBUG."""
    import bubble_lang.cli.lint as lint_command

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(lint_command, "check_bot", broken)
    monkeypatch.delenv("BUBBLE_DEBUG", raising=False)
    code, out, err = run_cli(capsys, "lint", str(write(tmp_path, "ok.bot", GOOD)))
    assert code == 2
    assert "internal error in bubble (this is a bug): RuntimeError: boom" in err
    assert "BUBBLE_DEBUG=1" in err
    assert "Traceback" not in out + err


IGNORES = '''# bubble: ignore-file[unused-constant]
@unused1 "x"
@unused2 "y"

dialog main do
  say "hi"
  m = %{1: "one"}  # bubble: ignore
  n = %{2: "two"}  # bubble: ignore[number-map-key]
  k = %{3: "three"}  # bubble: ignroe[B309]
  say "#{m} #{n} #{k}"  # bubble: ignore[B999, B305]
  say "a # bubble: ignore inside a text is text"
end
'''


def test_every_ignore_form_works_or_says_why_not(capsys, tmp_path):
    """File-level, bare and rule-name ignores work; a typo, an unknown code and an ignore that
    hides nothing are B501 (they were silently ignored)."""
    path = write(tmp_path, "i.bot", IGNORES)
    code, out, _ = run_cli(capsys, "lint", "--format", "json", str(path))
    found = [(d["code"], d["message"]) for d in json.loads(out)]
    assert found == [
        ("B309", "the map key `3:` is the number 3, not a name"),
        ("B501", "`# bubble: ignroe[B309]` is not a comment bubble knows"),
        ("B501", "`B999` is not a diagnostic code or rule name"),
        ("B501", "`B305` is ignored but nothing on this line has it"),
    ]
    assert code == 0


def test_a_bare_ignore_never_hides_an_error(capsys, tmp_path):
    path = write(tmp_path, "e.bot", 'dialog main do\n  invoke nowhere  # bubble: ignore\nend\n')
    code, out, _ = run_cli(capsys, "lint", "--format", "json", str(path))
    codes = [d["code"] for d in json.loads(out)]
    assert code == 1 and "B501" in codes and any(c != "B501" for c in codes)


@pytest.mark.parametrize("command", ["run", "disasm", "serve", "lint", "test"])
def test_a_path_that_cannot_be_read_exits_2_in_every_command(capsys, tmp_path: Path, command: str) -> None:
    """2 is "the tool could not run" (ruff, ESLint); `run`, `disasm` and `serve` said 1, as for a
    bot with errors."""
    code, out, err = run_cli(capsys, command, str(tmp_path / "nope.bot"))
    assert code == 2 and "B500" in out + err
    broken = tmp_path / "broken.bot"
    broken.write_text('dialog main do\n  say "x\nend\n')
    if command in ("run", "disasm", "serve"):
        assert run_cli(capsys, command, str(broken))[0] == 1  # a bot with errors stays 1
