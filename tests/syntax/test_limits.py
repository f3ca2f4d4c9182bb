"""Deep or long input is refused with a clear B009 (SPEC §13: syntax nesting 100), never a
RecursionError, a crash or a hang. Each generated script is also run in a subprocess with a
timeout, as a hang detector.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from bubble_lang.build import parse_script
from bubble_lang.diagnostics import BubbleSyntaxError
from bubble_lang.limits import DEFAULT_LIMITS, Limits
from bubble_lang.nodes import dump
from bubble_lang.source import SourceFile

N = 1_000
LONG = 5_000

DEEP = {
    "brackets": "@x " + "[" * N + "1" + "]" * N + "\n",
    "parens": "@x " + "(" * N + "1" + ")" * N + "\n",
    "maps": "@x " + "%{a: " * N + "1" + "}" * N + "\n",
    "calls": "@x " + "f(" * N + "1" + ")" * N + "\n",
    "ifs": "dialog main do\n" + "if x do\n" * N + "say 1\n" + "end\n" * N + "end\n",
    "ifs_unclosed": "dialog main do\n" + "if x do\n" * N,
    "interpolations": "@x " + '"#{' * N + "1" + '}"' * N + "\n",
    "interpolations_unclosed": "@x " + '"#{' * N,
    "unary_minus": "@x " + "-" * LONG + "1\n",
    "unary_minus_name": "@x " + "-" * LONG + "x\n",
    "not": "@x " + "not " * LONG + "a\n",
    "bang": "@x " + "!" * LONG + "a\n",
}

# Flat chains: the front end may parse them (without recursion) or refuse them with B009.
FLAT = {
    "sum": "@x " + " + ".join(["1"] * LONG) + "\n",
    "strings": "@x " + " + ".join(['"a"'] * LONG) + "\n",
    "or": "@x " + " or ".join(["a"] * LONG) + "\n",
    "mixed": "@x " + " ".join(f"a{i} {'+-*/'[i % 4]}" for i in range(LONG)) + " z\n",
    "list": "@x [" + ", ".join(["1"] * LONG) + "]\n",
    "statements": "dialog main do\n" + 'say "a"\n' * LONG + "end\n",
    "dialogs": "".join(f"dialog d{i} do\nend\n" for i in range(LONG)),
}

# Postfix chains build trees as deep as the chain is long.
POSTFIX = {
    "fields": "@x a" + ".b" * LONG + "\n",
    "indexes": "@x a" + "[0]" * LONG + "\n",
}


def parse(text: str):
    return parse_script(SourceFile("deep.bot", text))


@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_nesting_is_refused(name: str) -> None:
    with pytest.raises(BubbleSyntaxError) as caught:
        parse(DEEP[name])
    first = caught.value.diagnostics[0]
    if name.endswith("_unclosed"):
        # either the nesting limit or the unclosed opener comes first; both are clear errors
        assert first.code in ("B009", "B002", "B008")
    else:
        assert first.code == "B009"
        assert "nesting too deep" in first.message
    assert first.span is not None


def test_nesting_error_points_at_the_first_opener_too_deep() -> None:
    limit = DEFAULT_LIMITS.syntax_nesting
    with pytest.raises(BubbleSyntaxError) as caught:
        parse("@x " + "[" * (limit + 1) + "]" * (limit + 1) + "\n")
    diagnostic = caught.value.diagnostics[0]
    assert diagnostic.code == "B009"
    assert (diagnostic.span.line, diagnostic.span.column) == (1, 4 + limit)


def test_nesting_up_to_the_limit_is_fine() -> None:
    limit = DEFAULT_LIMITS.syntax_nesting
    parse("@x " + "[" * limit + "1" + "]" * limit + "\n")
    blocks = limit - 1  # the dialog's own `do` counts
    parse("dialog main do\n" + "if x do\n" * blocks + "say 1\n" + "end\n" * blocks + "end\n")


def test_the_limit_is_configurable() -> None:
    limits = Limits(syntax_nesting=3)
    parse_script(SourceFile("x.bot", "@x [[[1]]]\n"), limits)
    with pytest.raises(BubbleSyntaxError) as caught:
        parse_script(SourceFile("x.bot", "@x [[[[1]]]]\n"), limits)
    assert caught.value.diagnostics[0].code == "B009"


@pytest.mark.parametrize("name", sorted(FLAT))
def test_flat_chains_parse_or_are_refused(name: str) -> None:
    """Today: long operator chains are refused with B009 "expression too long: more than 100
    operators"; long lists, many statements and many dialogs parse."""
    try:
        script = parse(FLAT[name])
    except BubbleSyntaxError as error:
        first = error.diagnostics[0]
        assert first.code == "B009"
        assert "nesting too deep" in first.message or "too long" in first.message
    else:
        dump(script)  # whatever parsed can be walked by a recursive pass


def test_a_hundred_operators_are_fine() -> None:
    parse("@x " + " + ".join(["1"] * (DEFAULT_LIMITS.syntax_nesting + 1)) + "\n")


@pytest.mark.parametrize("name", sorted(POSTFIX))
def test_postfix_chains_are_bounded(name: str) -> None:
    try:
        script = parse(POSTFIX[name])
    except BubbleSyntaxError as error:
        assert error.diagnostics[0].code == "B009"
        return
    dump(script)
    assert script == parse(POSTFIX[name])


def test_script_too_large() -> None:
    text = "# " + "x" * DEFAULT_LIMITS.source_bytes + "\n"
    with pytest.raises(BubbleSyntaxError) as caught:
        parse(text)
    assert caught.value.diagnostics[0].code == "B011"
    assert "too large" in caught.value.diagnostics[0].message


def test_no_hang_or_crash_in_a_subprocess() -> None:
    """All of the above in a fresh interpreter, with a deadline: a hang or a hard crash shows here."""
    program = textwrap.dedent("""
        import json, sys
        from bubble_lang.build import parse_script
        from bubble_lang.diagnostics import BubbleError
        from bubble_lang.source import SourceFile
        results = {}
        for name, text in json.loads(sys.stdin.read()).items():
            try:
                parse_script(SourceFile("deep.bot", text))
                results[name] = "ok"
            except BubbleError as error:
                results[name] = error.diagnostics[0].code
            except RecursionError:
                results[name] = "RecursionError"
        print(json.dumps(results))
    """)
    inputs = {**DEEP, **FLAT, **POSTFIX}
    done = subprocess.run([sys.executable, "-c", program], input=json.dumps(inputs), capture_output=True,
                          text=True, timeout=60, cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert set(results) == set(inputs)
    assert "RecursionError" not in results.values()
    for name in DEEP:
        assert results[name] in ("B009", "B002", "B008"), (name, results[name])
