"""What `expect`, `expect_not`, `expect_end` and `assert` check, and how a miss is reported (layer 11).

Input: the driver of a running test (its unread bot messages, the message the last `expect`
matched, the machine that evaluates test expressions) and the value of the statement. Output:
nothing when the check holds; otherwise `TestFailed` with a B48x diagnostic at the statement,
whose notes put what was expected next to what the bot actually said.

The reading rule (docs/testing.md): the bot's messages wait in order until an `expect` reads them.
`expect "BML"` searches forward through the unread messages and consumes every message up to and
including the first that matches; `expect buttons:`/`quick_replies:`/`widget:` first look at the
message the previous `expect` matched (they describe the message just read), then search forward
the same way; `expect show: :kind` searches forward for that content. `expect step: "Title"`
checks the wizard step the bot showed last (SPEC §9): steps are headers, not messages, so it
reads no message. `expect_not` and `expect_end` never consume anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import attrs

from .. import nodes as n
from ..diagnostics import Diagnostic, make_diagnostic
from ..runtime.script_errors import ScriptError
from ..runtime.outputs import Output
from ..runtime.values import Atom, plain_text, to_text
from ..source import Span
from ..vm.machine import ScriptFailure
from ..vm.pattern_match import fold, pattern_for, run_match
from .transcript import choices_of, show_value, widget_of

_SPACES = re.compile(r"\s+")
# Punctuation at the edge of a word ("Hello, what's your name?"): never inside one ("7.95",
# "18:00", "what's", "ada@example.com").
_EDGE_PUNCTUATION = re.compile(r"""[,.;:!?…"“”‘’'()\[\]{}]+(?=\s|$)|(?:(?<=\s)|^)[,.;:!?…"“”‘’'()\[\]{}]+""")
_ATTRIBUTE_KINDS = ("buttons", "quick_replies", "widget")


class TestFailed(Exception):
    """A test statement did not hold; carries the diagnostics to show (never a traceback)."""

    __test__ = False  # not a pytest test class

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(diagnostics[0].message if diagnostics else "test failed")
        self.diagnostics = tuple(diagnostics)


def loosen(text: str) -> str:
    """The message without punctuation at word edges. The matcher drops punctuation only when
    the pattern has none; a pattern word like `what's` or a quoted `'$ 7.95'` keeps it all, so
    `expect` tries the message this way too: punctuation stays optional, as BML promises."""
    return _SPACES.sub(" ", _EDGE_PUNCTUATION.sub(" ", text)).strip()


@attrs.frozen
class Check:
    """One expectation: what it wants in words, which outputs it may read, and the test itself."""

    wanted: str
    test: Callable[[Output], bool]
    looks_back: bool  # attribute checks also look at the message the last `expect` matched
    relevant: Callable[[Output], bool]


def build_check(driver: Any, kind: str, value: Any, options: Any = None) -> Check:
    """The check for `expect <kind>: value` (kind "text" for a plain `expect "…"`)."""
    if kind == "text":
        if isinstance(value, (list, dict)) or value is None:
            raise ScriptError(f"`expect` needs a text pattern, got {show_value(value)}",
                              'write the pattern as a string, like `expect "hello"`')
        pattern = to_text(plain_text(value))
        compiled = pattern_for(driver.machine, pattern)

        def matches(output: Output) -> bool:
            if output.kind not in ("text", "ask"):
                return False
            if run_match(driver.machine, compiled, output.text) is not None:
                return True
            loosened = loosen(output.text)
            return loosened != output.text and run_match(driver.machine, compiled, loosened) is not None

        return Check(f"a message matching `{pattern}`", matches, False, lambda o: o.kind in ("text", "ask"))
    if kind in ("buttons", "quick_replies"):
        items = value if isinstance(value, list) else [value]
        wanted = [fold(to_text(plain_text(item))) for item in items]
        word = "buttons" if kind == "buttons" else "quick replies"
        return Check(f"a message with {word} {show_value([to_text(plain_text(i)) for i in items])}",
                     lambda o: [fold(title) for title in choices_of(o)] == wanted, True,
                     lambda o: bool(choices_of(o)))
    if kind == "widget":
        name = value.name if isinstance(value, Atom) else to_text(plain_text(value))
        wanted_options = {key: _comparable(option) for key, option in (options or {}).items()}
        said = "".join(f", {key}: {show_value(plain_text(option))}" for key, option in (options or {}).items())

        def fits(output: Output) -> bool:
            fields = output.data.get("widget")
            return fold(widget_of(output) or "") == fold(name) and isinstance(fields, dict) and all(
                _comparable(fields.get(key)) == option for key, option in wanted_options.items())

        return Check(f"a question with a `{name}` widget{said}", fits, True, lambda o: o.kind == "ask")
    if kind == "show":
        name = value.name if isinstance(value, Atom) else to_text(plain_text(value))
        return Check(f"`show` content of kind `{name}`",
                     lambda o: o.kind == "show" and fold(to_text(o.data.get("kind", ""))) == fold(name), False,
                     lambda o: o.kind == "show")
    raise ScriptError(f"`expect {kind}:` is not something a test can check",
                      "use `buttons:`, `quick_replies:`, `widget:`, `show:`, `step:` or `mail:`")


def _comparable(value: Any) -> Any:
    """A widget option as `expect widget:` compares it: plain data, texts without case, choice
    items by their titles (a test writes `items: ["Tea", "Coffee"]` for maps with titles)."""
    value = plain_text(value)
    if isinstance(value, list):
        return [_comparable(item.get("title", item.get("value")) if isinstance(item, dict) else item) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, str):
        return fold(value)
    return value


def describe_actual(output: Output, kind: str) -> str:
    if kind in ("buttons", "quick_replies"):
        choices = choices_of(output)
        return f"{show_value(output.text)} with {show_value(choices) if choices else 'no choices'}"
    if kind == "widget":
        widget = widget_of(output)
        fields = output.data.get("widget")
        extra = "".join(f", {key}: {show_value(value)}" for key, value in fields.items()
                        if key not in ("kind", "image")) if isinstance(fields, dict) else ""
        return f"{show_value(output.text)} with {'a `' + widget + '` widget' + extra if widget else 'no widget'}"
    if output.kind == "show":
        return f"`show` of kind `{to_text(output.data.get('kind', 'content'))}`"
    return show_value(output.text)


def expect(driver: Any, kind: str, value: Any, span: Span | None, options: Any = None) -> None:
    """Run `expect`/`expect_not` (kind prefixed `not_`) against the unread messages."""
    negate = kind.startswith("not_")
    kind = kind.removeprefix("not_")
    if kind == "step":
        expect_step(driver, value, span)
        return
    if kind == "mail":
        expect_mail(driver, value, span)
        return
    check = build_check(driver, kind, value, options)
    last = driver.last_matched if check.looks_back else None
    if negate:
        for output in ([last] if last is not None else []) + driver.pending:
            if check.test(output):
                raise TestFailed([make_diagnostic(
                    "B481", "the bot said what `expect_not` forbids", span, label="this matched",
                    notes=[f"not expected: {check.wanted}", f"actual:       {describe_actual(output, kind)}"],
                    hint="read the conversation below; change the bot, or the pattern if the bot is right")])
        return
    if last is not None and check.test(last):
        return
    for index, output in enumerate(driver.pending):
        if check.test(output):
            del driver.pending[: index + 1]
            driver.last_matched = output
            return
    candidates = [o for o in driver.pending if check.relevant(o)]
    if last is not None and check.relevant(last):
        candidates.insert(0, last)
    if candidates:
        shown = [describe_actual(o, kind) for o in candidates[:5]]
        actual = shown[0] if len(shown) == 1 else "unread messages " + ", ".join(shown)
        if len(candidates) > 5:
            actual += f" and {len(candidates) - 5} more"
    elif driver.pending:
        actual = "no unread message of that kind (" + ", ".join(describe_actual(o, "text") for o in driver.pending[:3]) + ")"
    else:
        actual = "nothing: every bot message so far was read by an earlier `expect`"
    raise TestFailed([make_diagnostic(
        "B480", "the bot did not send the expected message", span, label="no unread bot message fits",
        notes=[f"expected: {check.wanted}", f"actual:   {actual}"],
        hint=_hint(kind))])


def expect_mail(driver: Any, value: Any, span: Span | None) -> None:
    """`expect mail: "pattern"`: an unread `mail` whose subject or body matches (BML, as for a
    message); mails are not messages, so `expect_end` never waits for them."""
    pattern = to_text(plain_text(value))
    compiled = pattern_for(driver.machine, pattern)
    for index, output in enumerate(driver.mails):
        if any(run_match(driver.machine, compiled, to_text(output.data.get(part, ""))) is not None
               for part in ("subject", "body")):
            del driver.mails[: index + 1]
            return
    actual = ", ".join(output.summary() for output in driver.mails[:5]) or "no unread mail"
    raise TestFailed([make_diagnostic(
        "B480", "the bot did not send the expected mail", span, label="no unread mail fits",
        notes=[f"expected: a mail whose subject or body matches `{pattern}`", f"actual:   {actual}"],
        hint="`mail to, subject, body` in a dialog or task sends one; the pattern is BML, as for a message")])


def expect_step(driver: Any, value: Any, span: Span | None) -> None:
    """`expect step: "Title"`: the last wizard step the bot showed has this title."""
    title = to_text(plain_text(value))
    shown = driver.last_step
    if shown is not None and fold(shown.text) == fold(title):
        return
    actual = shown.summary() if shown is not None else "no step shown yet"
    raise TestFailed([make_diagnostic(
        "B480", "the bot is not at the expected wizard step", span, label="not the step shown last",
        notes=[f"expected: step {show_value(title)}", f"actual:   {actual}"],
        hint="read the conversation below: `expect step:` checks the step the bot showed last")])


def _hint(kind: str) -> str:
    if kind == "text":
        return ("compare the pattern with the messages below: BML matches words case-insensitively, "
                "anywhere in a message; quote numbers like `'-15'`")
    return "compare with the messages below; the check also looks at the message the last `expect` matched"


def expect_end(driver: Any, span: Span | None) -> None:
    if driver.pending:
        shown = ", ".join(describe_actual(o, "text") for o in driver.pending[:5])
        raise TestFailed([make_diagnostic(
            "B481", "the bot sent messages that no `expect` read", span, label="expected no more messages",
            notes=["expected: no more bot messages", f"actual:   {shown}"],
            hint="add an `expect` for each message, or remove `expect_end`")])


# ---------------------------------------------------------------------------------------- assert
def assert_holds(driver: Any, frame: Any, span: Span | None) -> None:
    """Fail with the values of the compared sides, so the report says what the variables held."""
    notes = [f"`{side.span.text}` is {value}" for side, value in _side_values(driver, frame, span)]
    source = span.text if span is not None else "assert"
    raise TestFailed([make_diagnostic(
        "B482", f"assertion failed: `{source.removeprefix('assert').strip()}`", span, label="this is false",
        notes=notes, hint="compare the values shown with the ones the test expects")])


def _side_values(driver: Any, frame: Any, span: Span | None) -> list[tuple[n.Expr, str]]:
    command = _find_assert(driver.machine.image.program, span)
    if command is None or not command.args:
        return []
    expr = command.args[0]
    if isinstance(expr, n.Binary) and expr.op not in ("and", "or"):
        sides = [expr.left, expr.right]
    elif isinstance(expr, n.Unary):
        sides = [expr.operand]
    else:
        sides = [expr]
    results = []
    for number, side in enumerate(sides):
        if _written_out(side) or side.span is None:
            continue
        results.append((side, _evaluate(driver, frame, side, f"assert:{span.location() if span else ''}:{number}")))
    return results


def _written_out(expr: n.Expr) -> bool:
    """A literal (`"x"`, `3`, `[1, :a]`): its value is what the test says, no need to show it."""
    if isinstance(expr, (n.Literal, n.Atom)):
        return True
    if isinstance(expr, n.Str):
        return expr.literal is not None
    if isinstance(expr, n.ListExpr):
        return all(_written_out(item) for item in expr.items)
    if isinstance(expr, n.KeywordList):
        return all(_written_out(option.value) for option in expr.items)
    return False


def _evaluate(driver: Any, frame: Any, expr: n.Expr, key: str) -> str:
    """The value of one part of a failed `assert`, for the failure report (compiled on the side:
    the bot's image is never written to)."""
    from ..compiler import Compiler

    machine = driver.machine
    try:
        code = Compiler().compile_expression(key, "guard", expr)
        return show_value(machine.evaluate_code(code, dict(frame.locals)))
    except (ScriptFailure, ScriptError) as failure:
        return f"an error ({failure})"


def _find_assert(program: Any, span: Span | None) -> n.Command | None:
    if span is None:
        return None
    stack: list[Any] = list(program.tests)
    while stack:
        node = stack.pop()
        if isinstance(node, n.Command) and node.word == "assert" and node.span == span:
            return node
        if isinstance(node, tuple):
            stack.extend(node)
        elif attrs.has(type(node)) and isinstance(node, (n.Stmt, n.Decl)) or isinstance(node, n.BranchArm):
            stack.extend(getattr(node, field.name) for field in attrs.fields(type(node)))
    return None
