"""`bubble test PATH…`: run the conversation tests of bots (SPEC §12, §16).

Each `test "…" do … end` runs in a fresh conversation on a fixed clock (Tuesday 5 March 2024,
10:00 in the bot's time zone) and seed. Output: a line per bot (a dot per passed test, `F` per
failed one), then each failure with the test line, expected against actual and the conversation
so far, then a summary. `--coverage` adds a table of the dialogs, branches, asks and triggers the
tests reached (`--coverage-json FILE` writes it as JSON); `--fail-under` turns low coverage into a
failure. Exit codes: 0 all passed, 1 a test failed, a bot did not compile, no test ran or
coverage is too low, 2 the tool could not run (a missing path, bad options).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, TextIO

import pendulum

from ..render import render_diagnostics
from ..testing.coverage import KINDS, coverage_json, render_table, total_of
from ..testing.driver import DEFAULT_SEED, TestOutcome
from ..testing.report import outcome_place, render_failure, render_handled, summary
from ..testing.suite import LoadedBot, load_bots, run_suite
from .common import use_color

COVERAGE_KINDS = (*KINDS, "all")


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("test", help="run the conversation tests of bots")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="bot files, test files or directories")
    parser.add_argument("-k", dest="keyword", metavar="TEXT", help="run only tests whose title contains TEXT")
    parser.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every test, not a dot per test")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"seed for `random` in every test (default: {DEFAULT_SEED})")
    parser.add_argument("--now", metavar="ISO", help="start the test clock at this moment instead of "
                        "2024-03-05T10:00 in the bot's time zone")
    parser.add_argument("--coverage", action="store_true",
                        help="report which dialogs, branches, asks, triggers and extension calls the tests reached")
    parser.add_argument("--coverage-json", metavar="FILE", help="write the coverage report as JSON (`-` for stdout)")
    parser.add_argument("--fail-under", type=_percent, metavar="PERCENT",
                        help="fail when coverage is below PERCENT, like 80 or 80%% (implies --coverage)")
    parser.add_argument("--fail-under-kind", choices=COVERAGE_KINDS, default=None,
                        help="which coverage --fail-under checks (default: dialogs)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the report: auto (a terminal without NO_COLOR), always or never")
    parser.set_defaults(handler=run_tests)


def _percent(text: str) -> float:
    """`80`, `80.5` or `80%`: `--fail-under 88%` was refused as "invalid float value"."""
    try:
        return float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"needs a percentage like 80 or 80%, not `{text}`") from None


def run_tests(args: argparse.Namespace) -> int:
    # With `--coverage-json -` stdout carries only the JSON; the report goes to stderr.
    out: TextIO = sys.stderr if args.coverage_json == "-" else sys.stdout
    color = use_color(args.color)
    now = None
    if args.now:
        try:
            parsed = pendulum.parse(args.now, tz=None)  # without an offset: in each bot's zone (driver.py)
        except (ValueError, pendulum.parsing.exceptions.ParserError):  # type: ignore[attr-defined]
            parsed = None
        if not isinstance(parsed, pendulum.DateTime):  # `--now 10:00` parses as a time of day
            sys.stderr.write(f"bubble test: --now needs an ISO date-time, got `{args.now}`\n")
            return 2
        now = parsed
    if args.fail_under is not None and not 0 <= args.fail_under <= 100:
        sys.stderr.write("bubble test: --fail-under needs a percentage between 0 and 100\n")
        return 2
    if args.fail_under_kind is not None and args.fail_under is None:  # it was silently ignored
        sys.stderr.write("bubble test: --fail-under-kind says which coverage --fail-under checks: "
                         "give --fail-under PERCENT too\n")
        return 2
    args.fail_under_kind = args.fail_under_kind or "dialogs"
    bots, problems = load_bots(args.paths)
    if problems:
        sys.stderr.write(render_diagnostics(problems, "full", color=color))
        return 2
    want_coverage = bool(args.coverage or args.coverage_json or args.fail_under is not None)
    progress = _Progress(out, args.verbose)
    result = run_suite(bots, keyword=args.keyword, seed=args.seed, now=now, coverage=want_coverage,
                       exitfirst=args.exitfirst, on_outcome=progress.outcome)
    progress.finish()
    untested = [loaded.name for loaded in bots if loaded.bot is not None and not loaded.tests]
    if untested and not result.stopped:
        out.write("no tests: " + ", ".join(untested) + "\n")
    for loaded in result.broken:
        out.write(f"\n{loaded.name}: the bot did not compile\n")
        out.write(render_diagnostics(loaded.diagnostics, "full", color=color))
    for loaded, outcome in result.failed:
        out.write(f"\n---- FAILED {outcome_place(outcome)}: {outcome.title}\n")
        out.write(render_failure(outcome, color=color))
    for _, outcome in result.outcomes:
        if outcome.passed and outcome.handled_errors:
            out.write("\n" + render_handled(outcome))
    coverage_failed = False
    if result.coverage is not None:
        if args.coverage or args.fail_under is not None:
            out.write("\n" + render_table(result.coverage))
        if args.coverage_json:
            text = json.dumps(coverage_json(result.coverage), indent=2, ensure_ascii=False) + "\n"
            if args.coverage_json == "-":
                sys.stdout.write(text)
            else:
                try:
                    Path(args.coverage_json).write_text(text, encoding="utf-8")
                except OSError as error:
                    sys.stderr.write(f"bubble test: cannot write the coverage to `{args.coverage_json}`: "
                                     f"{(error.strerror or str(error)).lower()} (give a file in a folder that exists)\n")
                    return 2
        if args.fail_under is not None:
            totals = total_of(result.coverage)
            if args.fail_under_kind == "all":
                covered = sum(k.covered for k in totals.values())
                total = sum(k.total for k in totals.values())
                percent = 100.0 * covered / total if total else 100.0
            else:
                percent = totals[args.fail_under_kind].percent
            if percent < args.fail_under:
                coverage_failed = True
                out.write(f"\ncoverage of {args.fail_under_kind} is {percent:.1f}%, under --fail-under "
                          f"{args.fail_under:g}%\n")
    outcomes = [outcome for _, outcome in result.outcomes]
    line = summary(outcomes, len(result.broken))
    if result.stopped:
        line += " (stopped at the first failure: -x)"
    out.write("\n" + line + "\n")
    if result.failed or result.broken or coverage_failed or not outcomes:
        return 1
    return 0


class _Progress:
    """A line per bot: its name, a dot per passed test and `F` per failure, then its counts."""

    def __init__(self, out: TextIO, verbose: bool):
        self.out = out
        self.verbose = verbose
        self.current: LoadedBot | None = None
        self.counts = [0, 0]

    def outcome(self, loaded: LoadedBot, outcome: TestOutcome) -> None:
        if loaded is not self.current:
            self.finish()
            self.current = loaded
            self.out.write(loaded.name + (":\n" if self.verbose else " "))
        self.counts[0 if outcome.passed else 1] += 1
        if self.verbose:
            self.out.write(f"  {'PASS' if outcome.passed else 'FAIL'}  {outcome.title}\n")
        else:
            self.out.write("." if outcome.passed else "F")
        self.out.flush()

    def finish(self) -> None:
        if self.current is None:
            return
        passed, failed = self.counts
        counts = ", ".join(part for part in (f"{passed} passed" if passed else "",
                                             f"{failed} failed" if failed else "") if part)
        self.out.write(("  " if self.verbose else " ") + counts + "\n")
        self.current = None
        self.counts = [0, 0]
