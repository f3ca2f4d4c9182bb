"""Running one `test "…" do … end` block (layer 11).

Input: a linked bot and one of its tests. Output: a `TestOutcome` — passed, or the diagnostics of
the first statement that did not hold — with the conversation as a transcript.

How: the test's code object runs on a `TestMachine`, a `Machine` whose only difference is that the
test instructions (`TEST_SAY`, `TEST_EXPECT`, …) are handled here instead of raising; everything
else (expressions, `if`, `repeat`, assignments) is the VM's own code. The conversation is a real
`Conversation` with a fixed clock and seed, so a test replays identically every time. It starts
lazily, at the first test statement: assignments before it (`user.frontend = "slack"`) prepare the
conversation the bot then opens. Never `eval`, never a Python traceback for a test failure.
"""

from __future__ import annotations

import os
from typing import Any

import attrs
import pendulum

from ..checks.headers import ATTACHMENT_KINDS
from ..diagnostics import BubbleRuntimeError, Diagnostic, make_diagnostic
from ..engine.bot import Bot, Conversation
from ..runtime.input_checks import InputRejected
from ..runtime.script_errors import ScriptError
from ..runtime.outputs import Output
from ..runtime.session import OWN, Frame
from ..runtime.waits import PendingAsk
from ..runtime.values import REDACTED, Atom, Record, plain_text, to_text, truthy
from ..vm.captcha_challenges import challenge_of, is_captcha
from ..vm.questions import waits_for_secret
from ..vm.widget_answers import shown_answer, waiting_widget
from ..source import Span
from ..vm.bot_image import TestEntry
from ..vm.machine import Machine, ScriptFailure
from . import expectations
from .expectations import TestFailed
from .extension_mocks import MockExtensions
from .transcript import MESSAGE_KINDS, Line, describe_output, show_value

DEFAULT_SEED = 1


def test_clock(bot: Bot) -> pendulum.DateTime:
    """The moment every test starts at: Tuesday 5 March 2024, 10:00 in the bot's time zone."""
    return pendulum.datetime(2024, 3, 5, 10, 0, tz=bot.image.config.timezone)


@attrs.frozen(kw_only=True)
class TestOutcome:
    """The result of one test: what failed (if anything) and the conversation it had."""

    __test__ = False  # not a pytest test class

    title: str
    span: Span
    passed: bool
    diagnostics: tuple[Diagnostic, ...] = ()
    transcript: tuple[Line, ...] = ()
    unread: tuple[Output, ...] = ()
    handled_errors: tuple[Diagnostic, ...] = ()  # bot errors an `__error__` dialog handled


class TestMachine(Machine):
    """A machine for test code: the VM runs it, and hands test instructions to the `Driver`
    (its `tester`); the conversation under test plays its own turns in between."""

    __test__ = False

    def __init__(self, driver: Driver):
        super().__init__(driver.conversation.bot.image, driver.conversation.state, driver.now(), tester=driver)
        self.driver = driver

    def sync(self) -> None:
        """After a turn: the conversation's state, clock and a fresh budget."""
        driver = self.driver
        self.state = driver.conversation.state
        self.now = driver.now()
        self.now_ts = self.now.timestamp()
        self.steps = 0
        self.regex_budget = None
        self.sentences = {}
        for output in self.outputs:  # `log` in a test
            driver.lines.append(Line("note", describe_output(output), None))
        self.outputs.clear()

    def fail(self, error: ScriptError, frame: Frame | None, pc: int) -> ScriptFailure:
        failure = super().fail(error, frame, pc)
        failure.stack = (f"test `{frame.name}`",) if frame is not None else ()
        return failure


class Driver:
    """The test user: sends what the test says, keeps the bot's unread messages, checks them."""

    def __init__(self, conversation: Conversation, entry: TestEntry):
        self.conversation = conversation
        self.entry = entry
        self.header = entry.span.file.span(entry.span.start, entry.span.start + 4)  # the word `test`
        self.pending: list[Output] = []
        self.last_matched: Output | None = None
        self.last_step: Output | None = None  # the wizard step shown last (`expect step:`)
        self.mails: list[Output] = []  # `mail`s no `expect mail:` has read
        self.lines: list[Line] = []
        self.started = False
        self.handled: list[Diagnostic] = []
        self.machine = TestMachine(self)

    def now(self) -> pendulum.DateTime:
        return self.conversation.now()

    # -------------------------------------------------------------------------------- running
    def run(self) -> TestOutcome:
        frame = Frame(code=self.entry.code, name=self.entry.title, kind="test")
        diagnostics: list[Diagnostic] = []
        try:
            self.machine.execute(frame)
            self.ensure_started(self.header)
            self.machine.sync()  # a `log` after the last test statement
        except TestFailed as failed:
            diagnostics = list(failed.diagnostics)
        except ScriptFailure as failure:
            diagnostics = list(failure.to_runtime_error().diagnostics)
        except Exception as crash:  # noqa: BLE001 - a bug in bubble: report it, never a traceback
            if os.environ.get("BUBBLE_DEBUG") == "1":
                raise
            diagnostics = [make_diagnostic(
                "B499", f"internal error in bubble (this is a bug): {type(crash).__name__}: {crash}", self.header,
                hint="run again with BUBBLE_DEBUG=1 to see the internal frames, and report it")]
        return TestOutcome(title=self.entry.title, span=self.entry.span, passed=not diagnostics,
                           diagnostics=tuple(diagnostics), transcript=tuple(self.lines), unread=tuple(self.pending),
                           handled_errors=tuple(self.handled))

    def ensure_started(self, span: Span) -> None:
        if not self.started:
            self.started = True
            # `user.x = …` before the first statement stands for the stored record, not for a
            # field the conversation set on its own: it outlives a `close`.
            self.conversation.state.runtime.pop(OWN, None)
            self.absorb(self.conversation.start(), span)

    def absorb(self, outputs: list[Output], span: Span) -> None:
        """Record a turn's outputs; a bot error fails the test unless `__error__` handled it."""
        for output in outputs:
            self.lines.append(Line("bot", describe_output(output), output))
            if output.kind == "step":
                self.last_step = output
            elif output.kind == "mail":
                self.mails.append(output)
            if output.kind in MESSAGE_KINDS:
                self.pending.append(output)
        errors: tuple[BubbleRuntimeError, ...] = tuple(getattr(self.conversation, "last_errors", ()) or ())
        self.conversation.last_errors = ()
        for error in errors:
            for diagnostic in error.diagnostics:
                where = f" at {diagnostic.span.location()}" if diagnostic.span is not None else ""
                self.lines.append(Line("error", f"(error[{diagnostic.code}]{where}: {diagnostic.message})"))
            if self.conversation.bot.image.has_dialog("__error__"):
                self.handled.extend(error.diagnostics)
                continue
            first = error.diagnostics[0]
            raise TestFailed([make_diagnostic(
                "B484", f"the bot failed with error[{first.code}]: {first.message}", span,
                label="during this statement", hint="fix the bot's error shown below, or add a `dialog __error__`"),
                *error.diagnostics])

    def user(self, text: str, who: str = "user") -> None:
        """Something the test user did; the next `buttons:`/`widget:` check reads new messages only."""
        self.lines.append(Line(who, text))
        self.last_matched = None

    def send(self, outputs_of: Any, span: Span) -> None:
        self.conversation.last_errors = ()
        try:
            outputs = outputs_of()
        except InputRejected as rejected:  # as a channel would refuse it: the test's mistake, at its line
            found = rejected.diagnostics[0] if rejected.diagnostics else None
            raise ScriptError(f"the bot cannot be sent this: {found.message if found else 'it was refused'}",
                              found.hint if found and found.hint else "send what a channel could send",
                              code="B520") from None
        self.absorb(outputs, span)

    # -------------------------------------------------------------------------------- statements
    def run_test_op(self, frame: Frame, name: str, kind: Any, stack: list[Any], pc: int) -> None:
        """One test instruction (the VM's `ops_test` calls it); pops its operands (opcodes.py
        has the stack pictures)."""
        span = self.conversation.bot.image.codes[frame.code].spans[pc] or self.header
        self._test_op(frame, name, kind, stack, span)
        self.machine.sync()

    def _test_op(self, frame: Frame, name: str, kind: Any, stack: list[Any], span: Span) -> None:
        conversation = self.conversation
        if name == "TEST_ADVANCE":
            self.advance(stack.pop(), span)
            return
        if name == "TEST_MOCK_EXTENSION":
            options = stack.pop()
            conversation.extensions.mock(to_text(plain_text(stack.pop())), options)
            return
        self.ensure_started(span)
        if name == "TEST_SAY":
            text = to_text(plain_text(stack.pop()))
            self.user(REDACTED if waits_for_secret(conversation.state) else text)
            self.send(lambda: conversation.send_text(text), span)
        elif name == "TEST_EXPECT":
            options = stack.pop()  # the widget's options of `expect widget: "int", min: 1`
            expectations.expect(self, kind, stack.pop(), span, options)
        elif name == "TEST_EXPECT_END":
            expectations.expect_end(self, span)
        elif name == "TEST_ASSERT":
            if not truthy(stack.pop()):
                expectations.assert_holds(self, frame, span)
        elif name == "TEST_SUBMIT":
            self.submit(stack.pop(), span)
        elif name == "TEST_EVENT":
            stack.pop()
            payload = stack.pop()
            event = to_text(plain_text(stack.pop()))
            payload = payload if payload != {} else None
            self.user(f"(event {event}{' ' + show_value(payload) if payload is not None else ''})", "note")
            self.send(lambda: conversation.send_event(event, payload), span)
        elif name == "TEST_LOCATION":
            lat, lon = _point(stack.pop(), span)
            self.user(f"(location {to_text(lat)}, {to_text(lon)})", "note")
            self.send(lambda: conversation.send_location(lat, lon), span)
        elif name == "TEST_ATTACHMENT":
            self.attachment(stack.pop(), stack.pop(), span)
        elif name == "TEST_BACK":
            first = truthy((stack.pop() or {}).get("first"))
            self.user("(back to the first step)" if first else "(back)", "note")
            self.send(lambda: conversation.back(first=first), span)

    def submit(self, value: Any, span: Span) -> None:
        frames = self.conversation.state.frames
        top = frames[-1] if frames else None
        if top is None or not isinstance(top.wait, PendingAsk):
            raise TestFailed([make_diagnostic(
                "B483", "nothing to submit: the bot is not waiting for an answer", span,
                label="no question is open", hint="check the conversation below: `submit` answers an open `ask`")])
        if waiting_widget(self.conversation.state) is not None:
            self.submit_value(value, span)
            return
        text = submit_text(value)
        shown = REDACTED if waits_for_secret(self.conversation.state) else (text if text else show_value(text))
        self.user(f"{shown}   (submitted)")
        self.send(lambda: self.conversation.send_text(text), span)

    def submit_value(self, value: Any, span: Span) -> None:
        """`submit` to a widget question: the value goes as a control's value (`AnswerInput`), typed
        (lists, maps, dates, `true`/`false`), and the server checks it as it checks any client's.
        `submit :captcha_solution` answers a captcha with its challenge, read from the state here
        (the driver is on the server's side; the answer never appears in outputs or transcripts)."""
        state = self.conversation.state
        top = state.frames[-1]
        if isinstance(value, Atom) and value.name == "captcha_solution":
            challenge = challenge_of(top.wait) if is_captcha(top.wait) else None
            if challenge is None:
                raise TestFailed([make_diagnostic(
                    "B483", "`submit :captcha_solution` needs an open captcha question", span,
                    label="no captcha is asked", hint='ask with `expecting: input_method("captcha")` first')])
            self.user("(captcha solution)   (submitted)")
            solution = to_text(challenge.get("text"))
            self.send(lambda: self.conversation.send_answer(solution), span)
            return
        value = plain_text(value) if not isinstance(value, (list, dict)) else value
        shown = shown_answer(state, value)
        self.user(f"{shown if isinstance(shown, str) and shown else show_value(shown)}   (submitted)")
        self.send(lambda: self.conversation.send_answer(value), span)

    def attachment(self, options: Any, kind_value: Any, span: Span) -> None:
        kind = kind_value.name if isinstance(kind_value, Atom) else to_text(plain_text(kind_value))
        if kind not in ATTACHMENT_KINDS:
            raise TestFailed([make_diagnostic(
                "B483", f"unknown attachment kind `{kind}`", span, label="not an attachment kind",
                hint="use one of " + ", ".join(f"`:{k}`" for k in ATTACHMENT_KINDS))])
        data = {key: plain_text(value) for key, value in (options or {}).items()}
        self.user(f"(attachment :{kind}{' ' + to_text(data.get('url')) if data.get('url') else ''})", "note")
        self.send(lambda: self.conversation.send_attachment(kind, **data), span)

    def advance(self, value: Any, span: Span) -> None:
        """Move the test clock; timers that fall due fire now (timeouts, scheduled emits)."""
        from ..vm.duration_values import parse_duration

        seconds = parse_duration(value)
        self.lines.append(Line("note", f"(clock +{_duration_words(seconds)})"))
        self.send(lambda: self.conversation.advance(seconds) or [], span)


def _duration_words(seconds: float) -> str:
    whole = int(seconds)
    if whole != seconds or whole < 60:
        return f"{seconds:g}s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return "".join(f"{amount}{unit}" for amount, unit in ((hours, "h"), (minutes, "m"), (secs, "s")) if amount)


def _point(value: Any, span: Span) -> tuple[float, float]:
    fields = value.fields if isinstance(value, Record) else value
    if isinstance(fields, dict):
        lat, lon = fields.get("lat"), fields.get("lon", fields.get("lng"))
    elif isinstance(fields, list) and len(fields) == 2:
        lon, lat = fields  # the old `[lon, lat]` form, as in `dialog location:`
    else:
        lat = lon = None
    if not all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in (lat, lon)):
        raise TestFailed([make_diagnostic(
            "B483", f"`location` needs `[lat: …, lon: …]`, got {show_value(value)}", span,
            label="not a location", hint="write `location [lat: 52.37, lon: 4.89]`")])
    return float(lat), float(lon)  # type: ignore[arg-type]


def submit_text(value: Any) -> str:
    """What a user would type or click to give `value` to a widget."""
    value = plain_text(value)
    if value is True or value is False:
        return "yes" if value else "no"
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(submit_text(item) for item in value)
    if isinstance(value, dict):
        return to_text(value.get("title", value.get("value", "")))
    if isinstance(value, pendulum.DateTime):
        return value.format("YYYY-MM-DD HH:mm")
    if isinstance(value, pendulum.Duration):
        return f"{int(value.total_seconds())}s"
    return to_text(value)


def new_conversation(bot: Bot, *, seed: int = DEFAULT_SEED, now: pendulum.DateTime | None = None,
                     recorder: Any = None) -> Conversation:
    """A fresh conversation on the fixed test clock; with a coverage recorder, one that records.
    A `now` without an offset (`--now 2024-03-05T10:00`) is in the bot's time zone."""
    moment = now if now is not None else test_clock(bot)
    if moment.tzinfo is None:
        moment = pendulum.datetime(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
                                   moment.microsecond, tz=bot.image.config.timezone)
    conversation = bot.conversation("test", clock=lambda: moment, seed=seed, tracer=recorder,
                                    extensions=MockExtensions(bot.image))
    conversation.last_errors = ()
    return conversation


def run_test(bot: Bot, entry: TestEntry, *, seed: int = DEFAULT_SEED, now: pendulum.DateTime | None = None,
             recorder: Any = None) -> TestOutcome:
    """Run one test in a fresh conversation and say how it went."""
    return Driver(new_conversation(bot, seed=seed, now=now, recorder=recorder), entry).run()
