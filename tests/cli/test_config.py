"""`bubble.toml` is checked value by value (B503 at the key or value, with a hint), so what passes
`bubble lint` runs: a tester's bad timezone passed lint and then crashed `bubble run` and
`bubble test` with exit code 3; a deeply nested file crashed with RecursionError."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bubble_lang.cli.main import main
from bubble_lang.config import DEFAULT_CONFIG, ExtensionServer, parse_config
from bubble_lang.config_positions import ConfigPositions
from bubble_lang.diagnostics import BubbleUsageError
from bubble_lang.locale_names import available_locales, shipped_locale
from bubble_lang.source import SourceFile

BOT = 'dialog main do\n  say "Hello"\nend\n'
TESTS = 'test "greets" do\n  expect "Hello"\nend\n'


def problems(text: str) -> list:
    with pytest.raises(BubbleUsageError) as info:
        parse_config(SourceFile("bubble.toml", text))
    return info.value.diagnostics


def one_problem(text: str):
    found = problems(text)
    assert len(found) == 1, [d.message for d in found]
    assert found[0].code == "B503"
    assert found[0].hint
    return found[0]


def position(diagnostic) -> tuple[int, int]:
    return diagnostic.span.line, diagnostic.span.column


def bot_dir(tmp_path: Path, toml: str) -> Path:
    folder = tmp_path / "bot"
    folder.mkdir()
    (folder / "bubble.toml").write_text(toml, encoding="utf-8")
    (folder / "main.bot").write_text(BOT, encoding="utf-8")
    (folder / "main.test.bot").write_text(TESTS, encoding="utf-8")
    return folder


def test_a_good_file_reads_every_value() -> None:
    config = parse_config(SourceFile("bubble.toml", '''
[bot]
locale = "nl-NL"
timezone = "Europe/Amsterdam"
error_text = "Oeps"

[limits]
stack_depth = 50
regex_seconds_per_call = 1

[extensions.search]
url = "https://example.test:8770"
token = "s3cret"
timeout = "1m30s"

[extensions.plain]
url = "http://127.0.0.1:8770"

[storage]
url = "redis://127.0.0.1:6379/0"
'''))
    assert (config.locale, config.timezone, config.error_text) == ("nl-NL", "Europe/Amsterdam", "Oeps")
    assert config.limits.stack_depth == 50 and config.limits.regex_seconds_per_call == 1.0
    assert isinstance(config.limits.regex_seconds_per_call, float)
    assert config.extensions == (
        ExtensionServer(name="search", url="https://example.test:8770", token="s3cret", timeout=90.0),
        ExtensionServer(name="plain", url="http://127.0.0.1:8770"),
    )
    assert config.store == "redis://127.0.0.1:6379/0"
    assert parse_config(SourceFile("bubble.toml", "")) == DEFAULT_CONFIG


def test_a_bad_timezone_is_reported_at_its_value_with_a_suggestion() -> None:
    found = one_problem('# my bot\n[bot]\nlocale = "en"\ntimezone = "Europe/Amsterdm"\n')
    assert found.message == 'unknown timezone "Europe/Amsterdm"'
    assert position(found) == (4, 12)
    assert found.hint == 'did you mean "Europe/Amsterdam"?'
    assert one_problem('[bot]\ntimezone = "Mars/Olympus"\n').hint.startswith("use an IANA name")
    assert one_problem('[bot]\ntimezone = "../../etc/passwd"\n').message.startswith("unknown timezone")


@pytest.mark.parametrize("command", ["lint", "test", "run"])
def test_lint_run_and_test_refuse_a_bad_timezone_with_exit_1(tmp_path, capsys, monkeypatch, command) -> None:
    folder = bot_dir(tmp_path, '[bot]\ntimezone = "Nowhere/Special"\n')
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    argv = [command, str(folder)] + (["--store", "memory"] if command == "run" else [])
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 1, out + err
    assert "B503" in out + err and "unknown timezone" in out + err
    assert "bubble.toml:2:12" in out + err
    assert "internal error" not in out + err


def test_locale_is_checked_against_the_locales_dates_are_written_in() -> None:
    found = one_problem('[bot]\nlocale = "klingon"\n')
    assert found.message.startswith('unknown locale "klingon"')
    assert position(found) == (2, 10)
    assert one_problem('[bot]\nlocale = "nll"\n').hint == 'did you mean "nl"?'
    assert shipped_locale("en-GB") == "en_gb" and shipped_locale("nl_BE") == "nl"
    from bubble_lang.stdlib_impl.date_text import LOCALES, resolve_locale

    assert available_locales() == LOCALES
    for name in ("nl", "nl-NL", "en_GB", "pt-BR", "xx", "zh_TW"):
        assert shipped_locale(name) == resolve_locale(name)


@pytest.mark.parametrize(("text", "message", "where"), [
    ('[bot]\nerror_text = 3\n', "`error_text` must be a string, not 3", (2, 14)),
    ('[bot]\nerror_text = "  "\n', "`error_text` is empty", (2, 14)),
    ('[bot]\ntimezone = 1\n', "`timezone` must be a string, not 1", (2, 12)),
    ('[bot]\ncolour = "red"\n', "unknown key `colour` in `[bot]`", (2, 1)),
    ('[bots]\nlocale = "en"\n', "unknown section `bots`", (1, 1)),
    ('[bot]\nlocale = "en"\n\n[limitz]\nfoo = 1\n', "unknown section `limitz`", (4, 1)),  # its own header
    ('bot = 1\n', "`bot` must be a table, not 1", (1, 1)),
    ('[limits]\nvm_step = 10\n', "unknown limit `vm_step`", (2, 1)),
    ('[limits]\nstack_depth = 0\n', "limit `stack_depth` must be a positive whole number, not 0", (2, 15)),
    ('[limits]\nstack_depth = 2.5\n', "limit `stack_depth` must be a positive whole number, not 2.5", (2, 15)),
    ('[limits]\nstack_depth = true\n', "limit `stack_depth` must be a positive whole number, not true", (2, 15)),
    ('[limits]\nregex_seconds_per_call = inf\n', "limit `regex_seconds_per_call` must be a positive number", (2, 26)),
    ('[limits]\nregex_seconds_per_call = nan\n', "limit `regex_seconds_per_call` must be a positive number", (2, 26)),
    ('[limits]\nstring_bytes = "1MB"\n', "limit `string_bytes` must be a positive whole number", (2, 16)),
    ('[limits]\nsyntax_nesting = 100000\n', "limit `syntax_nesting` may be at most 200, not 100000", (2, 18)),
    ('[limits]\njson_nesting = 201\n', "limit `json_nesting` may be at most 200, not 201", (2, 16)),
    ('[extensions.search]\ntoken = "x"\n', "extension server `search` needs a `url`", (1, 1)),
    ('[extensions.search]\nurl = 8770\n', "`url` must be a string, not 8770", (2, 7)),
    ('[extensions.search]\nurl = "ftp://example.test"\n', "needs an http:// or https:// url", (2, 7)),
    ('[extensions.search]\nurl = "127.0.0.1:8770"\n', "looks like an RPC address", (2, 7)),
    ('[extensions.search]\nurl = "rpc://127.0.0.1:8770"\n', "looks like an RPC address", (2, 7)),
    ('[extensions.search]\nurl = "http://x.test"\ntype = "RPC"\n', "is an RPC server", (3, 8)),
    ('[extensions.search]\nurl = "http://x.test"\ntokn = "x"\n', "unknown key `tokn` in `[extensions.search]`", (3, 1)),
    ('[extensions.search]\nurl = "http://x.test"\ntoken = 5\n', "`token` must be a string", (3, 9)),
    ('[extensions.search]\nurl = "http://x.test"\ntimeout = "soon"\n', 'has a bad `timeout`: "soon"', (3, 11)),
    ('[extensions.search]\nurl = "http://x.test"\ntimeout = "0s"\n', 'has a bad `timeout`', (3, 11)),
    ('[extensions]\nsearch = "http://x.test"\n', "extension server `search` must be a table", (2, 1)),
    ('[storage]\nurl = 1\n', "`url` must be a string, not 1", (2, 7)),
    ('[storage]\nurl = "postgres://db"\n', 'unknown store "postgres://db"', (2, 7)),
    ('[storage]\npath = "x"\n', "unknown key `path` in `[storage]`", (2, 1)),
    # URLs Python cannot read: each an internal error (exit 2) in lint or run, or silently passed
    ('[extensions.x]\nurl = "http://[::1"\n', "has a url that cannot be read", (2, 7)),
    ('[extensions.x]\nurl = "http://h:99999"\n', "has a url that cannot be read", (2, 7)),
    ('[storage]\nurl = "redis://[::1"\n', 'unknown store "redis://[::1"', (2, 7)),
    ('[serve]\norigins = ["http://[::1"]\n', "`origins` must be a list of origins", (2, 11)),
    ('[serve]\norigins = ["http://h:99999"]\n', "`origins` must be a list of origins", (2, 11)),
])
def test_each_bad_value_is_b503_at_its_place(text: str, message: str, where: tuple[int, int]) -> None:
    found = one_problem(text)
    assert message in found.message
    assert position(found) == where


def test_unknown_keys_suggest_the_nearest_one() -> None:
    assert one_problem('[limits]\nstack_dpeth = 5\n').hint == "did you mean `stack_depth`?"
    assert one_problem('[bot]\ntimezon = "UTC"\n').hint == "did you mean `timezone`?"
    assert one_problem('[limit]\nstack_depth = 5\n').hint == "did you mean `limits`?"
    assert one_problem('[extensions.x]\nurl = "http://x.test"\ntimout = "1s"\n').hint == "did you mean `timeout`?"
    assert "docs/configuration.md" in one_problem('[zzz]\n').hint


def test_every_problem_is_reported_not_only_the_first() -> None:
    found = problems('[bot]\ntimezone = "Nope/Nope"\nlocale = "qq"\n[limits]\nstack_depth = -1\n')
    assert [d.span.line for d in found] == [2, 3, 5]


def test_a_key_is_found_in_its_own_table_not_where_its_name_first_appears() -> None:
    text = '# url = "see below"\n[storage]\nurl = "sqlite"\n[extensions.a]\nurl = "ftp://a"\n'
    assert position(one_problem(text)) == (5, 7)
    dotted = one_problem('bot.timezone = "Nowhere/x"\n')
    assert position(dotted) == (1, 16)
    inline = one_problem('bot = { locale = "en", timezone = "Nowhere/x" }\n')
    assert position(inline) == (1, 35)
    quoted = one_problem('[extensions."my server"]\nurl = "ftp://x"\n')
    assert position(quoted) == (2, 7)


def test_a_deeply_nested_file_is_refused_without_recursion() -> None:
    found = one_problem("x = " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert "nested too deeply" in found.message
    assert position(found) == (1, 5 + 64)
    found = one_problem("[bot]\nx = " + "{ a = " * 5_000 + "1" + " }" * 5_000 + "\n")
    assert "nested too deeply" in found.message
    # Brackets inside strings and comments do not count.
    assert parse_config(SourceFile("bubble.toml", '# ' + "[" * 100 + '\n[bot]\nerror_text = "' + "[" * 100 + '"\n'))


def test_positions_survive_multiline_strings_and_arrays() -> None:
    text = '[bot]\nerror_text = """\n[limits]\nx = 1\n"""\n[limits]\nmatch_text_chars = [\n  1,\n  2,\n]\n'
    places = ConfigPositions(text)
    assert ("limits",) in places.tables
    assert text[slice(*places.key(("limits", "match_text_chars")))] == "match_text_chars"
    assert ("limits", "x") not in places.keys
    found = one_problem(text)
    assert position(found) == (7, 20)


def test_docs_configuration_md_lists_every_section_key_and_limit() -> None:
    import attrs

    from bubble_lang.config import BOT_KEYS, EXTENSION_KEYS, SECTIONS, SERVE_KEYS, STORAGE_KEYS
    from bubble_lang.limits import DEFAULT_LIMITS, Limits

    text = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")
    for section in SECTIONS:
        assert f"[{section}" in text
    for key in (*BOT_KEYS, *EXTENSION_KEYS, *STORAGE_KEYS, *SERVE_KEYS):
        assert f"| `{key}` |" in text, key
    for field in attrs.fields(Limits):
        default = getattr(DEFAULT_LIMITS, field.name)
        assert f"| `{field.name}` | `{default}` |" in text, field.name


def test_a_float_limit_takes_a_fraction_whatever_its_default_looks_like() -> None:
    config = parse_config(SourceFile("bubble.toml", "[limits]\nduration_seconds = 1.5e9\nturn_deadline_seconds = 5\n"
                                                    "json_nesting = 200\n"))
    assert config.limits.duration_seconds == 1.5e9
    assert config.limits.turn_deadline_seconds == 5.0
    assert config.limits.json_nesting == 200


def test_a_key_with_thousands_of_parts_is_refused_before_tomllib_reads_it() -> None:
    found = one_problem('[bot]\nlocale = "en"\n' + "x" + ".x" * 10_000 + " = 1\n")
    assert "nested too deeply: a key 10,002 levels deep" in found.message
    assert position(found) == (3, 1)
    assert "nested too deeply" in one_problem("[" + ".".join(["a"] * 100) + "]\n").message


def test_the_highest_nesting_allowed_still_ends_in_a_limit_not_a_crash(tmp_path: Path, capsys) -> None:
    """A tester raised `syntax_nesting` to 100000 and a deep script crashed lint with RecursionError."""
    folder = tmp_path / "deep"
    folder.mkdir()
    (folder / "bubble.toml").write_text("[limits]\nsyntax_nesting = 200\njson_nesting = 200\n", encoding="utf-8")
    deep = 3_000
    (folder / "main.bot").write_text("dialog main do\n  x = " + "[" * deep + "1" + "]" * deep + "\nend\n",
                                     encoding="utf-8")
    (folder / "data.json").write_text("[" * 201 + "]" * 201, encoding="utf-8")
    code = main(["lint", "--format", "concise", str(folder)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "B009" in out and "B502" in out
    assert "internal error" not in out + err


def test_a_toml_syntax_error_is_placed_where_tomllib_says() -> None:
    """`TOMLDecodeError.lineno`/`colno` exist from Python 3.14 only: before, every TOML syntax
    error was placed at 1:1 (in `bubble lint` and in the editor)."""
    found = one_problem('[bot]\nlocale = "en"\n\n[limits]\nstack_depth = 10\n  x = = 3\n')
    assert found.message.startswith("invalid TOML") and position(found) == (6, 7)
