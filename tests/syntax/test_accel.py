"""The C accelerator (`bubble_lang/_accel.c`) does exactly what the Python front end does.

Its scan must give the very tokens `lexer.py` gives (type, text, value, offsets, and the block
problems the parser reports later) on every script in the repository and on generated text, and
must give up (None) exactly when the Python scanner reports an error. Its LALR loop must build
exactly what `lalr_run.LeanParser.parse_here` builds, and stop where it stops. With a C compiler on
the machine, an install must have built it (hatch_build.py), or the front end silently runs slower.
"""

from __future__ import annotations

import inspect
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Token

from bubble_lang.accel import ACCEL
from bubble_lang.build import _STATE, _lean
from bubble_lang.build_makers import MADE, maker_defaults
from bubble_lang.build_state import _State
from bubble_lang.diagnostics import BubbleError, BubbleSyntaxError
from bubble_lang.lalr_run import NoAction
from bubble_lang.lexer import _STATEMENT_WORDS, _tokenize_here, tokenize
from bubble_lang.limits import DEFAULT_LIMITS, Limits
from bubble_lang.source import SourceFile, Span

from .test_fuzz import CORPUS, INTERESTING, VOCABULARY

ROOT = Path(__file__).resolve().parents[2]
needs_accel = pytest.mark.skipif(ACCEL is None, reason="the C accelerator is not built here")


def _scripts() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "*.bot"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    texts = [(ROOT / name).read_text(encoding="utf-8") for name in listed if (ROOT / name).is_file()]
    return texts + CORPUS


SCRIPTS = _scripts()


def _shape(token: Token) -> tuple:
    return (token.type, str(token), token.value, token.start_pos, token.end_pos, token.line, token.column,
            token.end_line, token.end_column)


def _agree(text: str, nesting: int = DEFAULT_LIMITS.syntax_nesting) -> None:
    """The C scan and the Python one agree on `text`: same tokens, or C gives up where Python reports."""
    source = SourceFile("accel.bot", text)
    limits = Limits(syntax_nesting=nesting)
    scanned = ACCEL.scan(text, Token, _STATEMENT_WORDS, nesting)
    try:
        reference = _tokenize_here(source, limits)
    except BubbleSyntaxError:
        assert scanned is None, "the C scanner accepted what the Python one reports"
        return
    assert scanned is not None, "the C scanner gave up on text the Python one accepts"
    tokens, unmatched_ends, unclosed_dos, suspect_do = scanned
    assert [_shape(token) for token in tokens] == [_shape(token) for token in reference]
    assert all(type(token) is Token for token in tokens)
    assert (unmatched_ends, unclosed_dos, suspect_do) == (
        reference.unmatched_ends, reference.unclosed_dos, reference.suspect_do)


def test_built_wherever_a_compiler_is() -> None:
    """An install on a machine with a C compiler and Python's headers builds and loads it."""
    compiler = shutil.which((sysconfig.get_config_var("CC") or "cc").split()[0])
    headers = Path(sysconfig.get_paths()["include"], "Python.h").is_file()
    if not (compiler and headers) or os.environ.get("BUBBLE_NO_ACCEL") == "1":
        pytest.skip("no C compiler or Python headers here: the front end runs in Python")
    assert ACCEL is not None, "reinstall (pip install -e .) to build bubble_lang/_accel.c"


def test_turned_off_by_the_environment() -> None:
    code = "from bubble_lang.accel import ACCEL; print(ACCEL is None)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env=dict(os.environ, BUBBLE_NO_ACCEL="1"), check=True)
    assert result.stdout.strip() == "True"


@needs_accel
@pytest.mark.parametrize("number", range(len(SCRIPTS)))
def test_same_tokens_on_every_script(number: int) -> None:
    _agree(SCRIPTS[number])


@needs_accel
def test_the_accelerated_tokenize_is_the_public_one() -> None:
    source = SourceFile("a.bot", 'dialog main do\n  say "hi #{name}"\nend\n')
    assert [_shape(t) for t in tokenize(source)] == [_shape(t) for t in _tokenize_here(source, DEFAULT_LIMITS)]


@needs_accel
@pytest.mark.parametrize("text", [
    "", "\n", "   ", "# only a comment", "dialog", "end", "end end", 'say "', 'say "#{', 'say "#{x', "x = (1",
    "x = 1)", "[1, 2}", "%{a: 1]", "@", "@ x", "'x'", "x ` y", "a \\ b", "a \\\n b", "1e", "1e+", "1.x", "1._",
    "1٣", "x = ٣", "say -\u00a0x", "say - x", "say -x", "say inside", "say in", "say iné", "say é",
    "dialog.stack", "dialog d, do: say 1", "x, do: 1", "do: 1", "name::x", "f(x)", "f (x)", '"a"(x)', "a[0]",
    "a [0]", '"#{"#{1}"}"', '"\\"#{x}\\""', "_\"hi\"", "x.do", "x.end", "@c [1]", "@c[1]", ":a", ": a",
    "show(x)", "x = say 1", "x = y 1", "a;b;c", "do\n  end\n end", "  do\nend", "dialog a do\n  do\n end",
    "x = 1 +\n 2", "x = [1,\n 2]", "}", '"}"', "#{", "\r\n", "\x00", "\u2028", "👋", '"👋 #{x} é"',
])
def test_same_tokens_on_edge_cases(text: str) -> None:
    _agree(text)


@needs_accel
@pytest.mark.parametrize("depth", [0, 1, 2, 3, 5])
def test_same_outcome_at_the_nesting_limit(depth: int) -> None:
    for text in ("f((((1))))", "[[[1]]]", 'say "#{"#{"#{1}"}"}"', "a do\n b do\n  c do\n  end\n end\nend",
                 "%{a: %{b: (1)}}"):
        _agree(text, nesting=depth)


@needs_accel
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(VOCABULARY), st.sampled_from(list(INTERESTING)), st.text(max_size=3)),
                max_size=40))
def test_same_tokens_on_token_soup(words: list[str]) -> None:
    _agree(" ".join(words))
    _agree("".join(words))


@needs_accel
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(CORPUS), st.integers(0, 100_000), st.sampled_from(list(INTERESTING) + ["\n", "#{", '"']))
def test_same_tokens_on_mutated_scripts(text: str, where: int, insert: str) -> None:
    at = where % (len(text) + 1)
    _agree(text[:at] + insert + text[at:])
    _agree(text[:at] + text[at + 1:])


def _parsed(source: SourceFile, tokens: list, run) -> object:
    reset = _STATE.set(_State(source, DEFAULT_LIMITS, []))
    try:
        return run(list(tokens))
    except NoAction:
        return NoAction
    except BubbleError as error:
        return tuple(error.diagnostics)
    finally:
        _STATE.reset(reset)


@needs_accel
@pytest.mark.parametrize("number", range(len(SCRIPTS)))
def test_same_tree_as_the_python_loop(number: int) -> None:
    source = SourceFile("accel.bot", SCRIPTS[number])
    try:
        tokens = tokenize(source)
    except BubbleError:
        return
    lean = _lean()
    assert _parsed(source, tokens, lean.parse) == _parsed(source, tokens, lean.parse_here)
    if len(tokens) > 2:  # and the same stop on a broken token list
        broken = tokens[:len(tokens) // 2] + tokens[len(tokens) // 2 + 1:]
        assert _parsed(source, broken, lean.parse) == _parsed(source, broken, lean.parse_here)


def test_the_version_says_which_front_end_runs() -> None:
    env = dict(os.environ, BUBBLE_NO_ACCEL="1")
    off = subprocess.run([sys.executable, "-m", "bubble_lang", "--version"], cwd=ROOT, capture_output=True,
                         text=True, env=env, check=True).stdout
    assert "front end: Python (BUBBLE_NO_ACCEL=1)" in off
    env.pop("BUBBLE_NO_ACCEL")
    on = subprocess.run([sys.executable, "-m", "bubble_lang", "--version"], cwd=ROOT, capture_output=True,
                        text=True, env=env, check=True).stdout
    assert "front end: C accelerator" in on if ACCEL is not None else "front end: " in on


@needs_accel
def test_same_spans_as_the_python_helpers(monkeypatch) -> None:
    """The C `cover` and `token_span` give every node the span the Python helpers give it."""
    from bubble_lang import build
    from bubble_lang.build import parse_script

    def spans(value: object) -> list:
        """Every span in a tree, in order (a node's spans are left out of its equality)."""
        if isinstance(value, Span):
            return [(value.start, value.end)]
        if isinstance(value, (tuple, list)):
            return [found for item in value for found in spans(item)]
        if attrs.has(type(value)):
            return [(field.name, found) for field in attrs.fields(type(value))
                    for found in spans(getattr(value, field.name))]
        return []

    def trees() -> list:
        found = []
        for text in SCRIPTS:
            try:
                script = parse_script(SourceFile("spans.bot", text))
                found.append((script, spans(script)))
            except BubbleError as error:  # compared by what they say and where (their spans' files differ)
                found.append(tuple((d.code, d.message, d.span and (d.span.start, d.span.end), d.hint,
                                    tuple((label.span.start, label.span.end, label.message) for label in d.labels))
                                   for d in error.diagnostics))
        return found

    accelerated = trees()
    monkeypatch.setattr(build._Builder, "_cover", build._Builder._python_cover)
    monkeypatch.setattr(build._Builder, "_token_span", build._Builder._python_token_span)
    assert trees() == accelerated


@needs_accel
def test_a_nesting_limit_beyond_the_c_scanners_is_left_to_python() -> None:
    """Each `#{` nests a C call: past 1,000 levels allowed, the Python scanner (with its recursion
    guard) scans instead of risking the C stack."""
    text = 'say "#{"#{1}"}"\n'
    assert ACCEL.scan(text, Token, _STATEMENT_WORDS, 1_000) is not None
    assert ACCEL.scan(text, Token, _STATEMENT_WORDS, 100_000) is None
    source = SourceFile("deep.bot", text)
    assert [_shape(t) for t in tokenize(source, Limits(syntax_nesting=100_000))] == \
        [_shape(t) for t in _tokenize_here(source, DEFAULT_LIMITS)]


def _every_field(record: object) -> list:
    return [(field.name, getattr(record, field.name)) for field in attrs.fields(type(record))]


@needs_accel
@pytest.mark.parametrize("pair", MADE, ids=lambda pair: pair[0].__name__)
def test_each_maker_builds_what_its_function_builds(pair) -> None:
    """Every field set, to the very objects given or the class's defaults; same type, equality, hash."""
    function, made = pair
    assert made is not function
    values = [object() for _ in inspect.signature(function).parameters]
    expected, built = function(*values), made(*values)
    assert type(built) is type(expected)
    assert all(a[0] == b[0] and a[1] is b[1] for a, b in zip(_every_field(built), _every_field(expected)))
    assert built == expected and hash(built) == hash(expected)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.span = None  # type: ignore[misc]
    with pytest.raises(TypeError, match="positional values"):
        made(*values[:-1])
    with pytest.raises(TypeError, match="positional values"):
        made(*values[:-1], **{"x": values[-1]})


def test_a_maker_is_refused_for_a_class_whose_init_does_more() -> None:
    @attrs.frozen
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    @attrs.frozen
    class Made:
        items: list = attrs.Factory(list)
        value: int = 0

    @attrs.frozen
    class After:
        value: int

        def __attrs_post_init__(self) -> None:
            pass

    @attrs.define(slots=False)
    class NoSlots:
        value: int

    with pytest.raises(TypeError, match="checked or converted"):
        maker_defaults(Checked, ("value",))
    with pytest.raises(TypeError, match="no plain default"):
        maker_defaults(Made, ("value",))
    assert maker_defaults(Made, ("items", "value")) == ()
    with pytest.raises(TypeError, match="runs code"):
        maker_defaults(After, ("value",))
    with pytest.raises(TypeError, match="not a slotted"):
        maker_defaults(NoSlots, ("value",))
    with pytest.raises(TypeError, match="no field"):
        maker_defaults(Made, ("other",))


_DEEP_DUMP = """
import sys, attrs
from bubble_lang.build import parse_script
from bubble_lang.diagnostics import BubbleError
from bubble_lang.source import SourceFile, Span
def deep(v):
    if isinstance(v, Span):
        return ("span", v.start, v.end)
    if attrs.has(type(v)):
        return (type(v).__name__, *[(f.name, deep(getattr(v, f.name))) for f in attrs.fields(type(v))])
    if isinstance(v, (tuple, list)):
        return (type(v).__name__, *[deep(x) for x in v])
    return (type(v).__name__, repr(v))
for path in sys.argv[1:]:
    try:
        print(repr(deep(parse_script(SourceFile(path, open(path, encoding="utf-8").read())))))
    except BubbleError as error:
        print(repr([(d.code, d.message, d.span and (d.span.start, d.span.end), d.hint) for d in error.diagnostics]))
"""


@needs_accel
def test_the_whole_front_end_builds_the_same_trees_without_the_accelerator(tmp_path) -> None:
    """Scan, loop, spans and makers together: every field of every node, in a process with the
    accelerator and one without."""
    paths = []
    for number, text in enumerate(SCRIPTS):
        path = tmp_path / f"s{number}.bot"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))

    def dump(**env: str) -> str:
        return subprocess.run([sys.executable, "-c", _DEEP_DUMP, *paths], cwd=ROOT, capture_output=True, text=True,
                              check=True, env=dict(os.environ, **env)).stdout

    accelerated = dump()
    assert accelerated.count("\n") == len(paths)
    assert dump(BUBBLE_NO_ACCEL="1") == accelerated
