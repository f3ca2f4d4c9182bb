"""`bubble fmt`'s rules one by one: a messy script before and after (a snapshot covering every
rule), the same with an unnamed dialog below (line-count changes held back above it), spacing
that decides tokens kept, long option lists, and generated programs (hypothesis): same syntax
tree, same comments, same unnamed dialog lines, idempotent, and the canonical shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bubble_lang.build import parse_script
from bubble_lang.diagnostics import BubbleError
from bubble_lang.formatting import format_report, format_text, same_meaning
from bubble_lang.source import SourceFile

from tests.cli.test_fmt import comments, unnamed_dialog_lines

MESSY = '''

# A messy bot: every rule of bubble fmt.
@greeting    "Hello"
@menu ["margherita","pepperoni" ,  "hawaii"]



@faq [
        %{keyword:"password",answer:"Reset it."},
  %{ keyword: "invoice", "code" : 2 }
      ]
dialog main do

    say @greeting ,class:"large"   # a trailing comment; the alignment is dropped
    x=1+2*3/4-5
    y = - x ; z = ! done
    ok = not  done && !( x>=2 ||x<= 1) and y in [ 1,2 ] or x!=3
    name = ask "What is your name?" , expecting: ["Ann","Bob"], quick_replies: ["Ann", "Bob"], timeout: "2m"
    if  x == 1  do


      say "one"


    else
       say "#{ x  +  1 } stays as written"
    end
    branch x do
      1 ->
          say "one"
      2->say "two"
    else
          say "many"
    end
    total = user.orders[ 0 ].price+length( @menu ) * -1
    show location [lat: 52.1, lon: 4.3]
    text = "a multi-line string
   keeps   its text   "
    invoke other,message: "hi"

end
task remember_me do
  counter = counter+1
end
# about `other`
dialog other do
  say   _"bye"
end
dialog bye, trigger: "bye", do: close
dialog ciao, trigger: "ciao", do: close
'''


def before_after(text: str) -> str:
    return f"{text}\n----- formatted -----\n{format_text(text)}"


def test_every_rule(snapshot) -> None:
    formatted = format_text(MESSY)
    assert same_meaning(MESSY, formatted)
    assert format_text(formatted) == formatted
    assert before_after(MESSY) == snapshot


def test_an_unnamed_dialog_holds_the_lines_above_it(snapshot) -> None:
    """The same script with an unnamed dialog in the middle: above it only what keeps the line
    count (indentation, spacing) is done; below it, everything."""
    text = MESSY.replace("task remember_me do", 'dialog trigger: "hi" do\n  invoke main\nend\ntask remember_me do')
    report = format_report(text)
    assert [dialog.display_name for dialog in report.unnamed] == ["trigger@43"]
    assert unnamed_dialog_lines(report.text) == unnamed_dialog_lines(text) == [43]
    assert report.held[0] == 1 and max(report.held) < 43
    assert report.text.split("\n")[42] == 'dialog trigger: "hi" do'
    assert before_after(text) == snapshot


@pytest.mark.parametrize("written, canonical", [
    ("say f (1)", "say f (1)"),  # a parenthesised argument, not a call
    ("say f(1)", "say f(1)"),
    ("show location [1, 2]", "show location [1, 2]"),  # a list, not an index
    ("say xs [0]", "say xs [0]"),
    ("x = %{a : 1}", "x = %{a : 1}"),  # keyed by the variable `a`, not `a:`
    ("x = %{1 : 2, :b : 3, \"c\" : 4}", "x = %{1: 2, :b: 3, \"c\": 4}"),
    ("say -1", "say -1"),
    ("x = y -1", "x = y - 1"),
    ("x = - - y", "x = --y"),
    ("show(image(\"a.png\"))", "show(image(\"a.png\"))"),
    ("say  \"a\";say \"b\"", "say \"a\"; say \"b\""),
    ("x = a \\\n    + b", "x = a \\\n    + b"),
    ("say _\"hi\"", "say _\"hi\""),
    ("x = user . name", "x = user.name"),
])
def test_spacing_that_decides_a_token_is_kept(written: str, canonical: str) -> None:
    text = f"dialog main do\n  {written}\nend\n"
    formatted = format_text(text)
    assert same_meaning(text, formatted)
    assert formatted == f"dialog main do\n  {canonical}\nend\n".replace("\n    + b", "\n    + b")


def test_long_option_lists_break_one_per_line_and_short_ones_stay() -> None:
    long = 'dialog main do\n  x = ask "' + "q" * 60 + '", expecting: ["a", "b"], quick_replies: ["a", "b"]\nend\n'
    assert format_text(long) == ('dialog main do\n  x = ask "' + "q" * 60 + '",\n    expecting: ["a", "b"],\n'
                                 '    quick_replies: ["a", "b"]\nend\n')
    short = 'dialog main do\n  say "hi",\n    class: "big"\nend\n'
    assert format_text(short) == short  # broken by its author: kept
    unbreakable = 'dialog main do\n  say "' + "w" * 120 + '"\nend\n'
    assert format_text(unbreakable) == unbreakable
    commented = 'dialog main do\n  say "hi", class: "big"  # ' + "c" * 100 + '\nend\n'
    assert format_text(commented) == commented  # the comment does not count


def test_blank_lines() -> None:
    text = ('\n\n@a 1\n@b 2\n\n\n@c 3\ndialog main do\n\n  say "a"\n\n\n  say "b"\n\nend\n'
            'dialog bye, trigger: "bye", do: close\ndialog ciao, trigger: "ciao", do: close\n'
            '# the test\ntest "t" do\n  say "hi"\nend\n\n\n')
    assert format_text(text) == ('@a 1\n@b 2\n\n@c 3\n\ndialog main do\n  say "a"\n\n  say "b"\nend\n\n'
                                 'dialog bye, trigger: "bye", do: close\ndialog ciao, trigger: "ciao", do: close\n\n'
                                 '# the test\ntest "t" do\n  say "hi"\nend\n')


def test_a_file_without_a_final_newline_and_with_crlf() -> None:
    assert format_text('dialog main do\r\n  say "hi"\r\nend') == 'dialog main do\n  say "hi"\nend\n'


# ------------------------------------------------------------------------------ generated programs
NAMES = ("x", "total", "_local", "answer_count")
WORDS = ("hello", "bye", "pizza")
OPERATORS = ("==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "&&", "||", "and", "or", "in")
QUESTION = "Which one would you like to have today, or shall I choose for you?"
space = st.sampled_from(["", " ", "  "])
some_space = st.sampled_from([" ", "  "])


@st.composite
def expressions(draw, depth: int = 0) -> str:
    leaf = draw(st.sampled_from(["number", "name", "string", "const", "field", "atom", "bool"]))
    kinds = [leaf] if depth >= 3 else [leaf, "binary", "binary", "unary", "call", "list", "map", "paren", "index"]
    kind = draw(st.sampled_from(kinds))
    sp = draw(space)
    if kind == "number":
        return str(draw(st.integers(0, 999)))
    if kind == "name":
        return draw(st.sampled_from(NAMES))
    if kind == "string":
        return '"' + draw(st.sampled_from(WORDS)) + '"'
    if kind == "const":
        return "@menu"
    if kind == "field":
        return f"user{sp}.{draw(space)}name"
    if kind == "atom":
        return ":days"
    if kind == "bool":
        return draw(st.sampled_from(["true", "false", "nil"]))
    inner = draw(expressions(depth + 1))
    if kind == "binary":
        op = draw(st.sampled_from(OPERATORS))
        around = draw(some_space) if op.isalpha() else sp
        return f"{inner}{around}{op}{around}{draw(expressions(depth + 1))}"
    if kind == "unary":
        op = draw(st.sampled_from(["-", "!", "not "]))
        return f"{op}{sp}{inner}" if op != "not " else f"not {inner}"
    if kind == "call":
        return f"length({sp}{inner}{sp})"
    if kind == "list":
        return f"[{sp}{inner}{sp},{draw(space)}{draw(expressions(depth + 1))}{sp}]"
    if kind == "map":
        return f"%{{{sp}key:{draw(some_space)}{inner}{sp},{sp}\"k\"{draw(space)}:{draw(some_space)}1}}"
    if kind == "paren":
        return f"({sp}{inner}{sp})"
    return f"@menu[{sp}{inner}{sp}]"


comment = st.integers(0, 10_000).map(lambda number: f"# c{number}")


@st.composite
def statements(draw, depth: int = 0) -> list[str]:
    kinds = ["say", "assign", "invoke", "ask"] + (["if", "branch", "repeat"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    sp = draw(space)
    tail = f"{draw(space)}  {draw(comment)}" if draw(st.booleans()) else draw(space)
    if kind == "say":
        options = draw(st.lists(st.sampled_from(["class", "as", "quick_replies"]), unique=True, max_size=3))
        rest = "".join(f"{sp},{draw(space)}{key}:{draw(some_space)}{draw(expressions(1))}" for key in options)
        return [f"say {draw(expressions())}{rest}{tail}"]
    if kind == "ask":
        text = '"' + QUESTION[:draw(st.integers(1, 60))] + '"'
        options = draw(st.lists(st.sampled_from(["expecting", "quick_replies", "timeout"]), unique=True, max_size=3))
        rest = "".join(f"{sp},{draw(space)}{key}:{draw(some_space)}{draw(expressions(2))}" for key in options)
        return [f"{draw(st.sampled_from(NAMES))}{sp}={draw(space)}ask {text}{rest}{tail}"]
    if kind == "assign":
        return [f"{draw(st.sampled_from(NAMES))}{sp}={draw(space)}{draw(expressions())}{tail}"]
    if kind == "invoke":
        return [f"invoke other{tail}"]
    body = draw(blocks(depth + 1))
    if kind == "if":
        other = draw(st.none() | blocks(depth + 1))
        return [f"if {draw(expressions())} do{tail}", *body, *(["else", *other] if other else []), "end"]
    if kind == "repeat":
        return [f"repeat item in {draw(expressions())} do", *body, "end"]
    lines = [f"branch {draw(expressions(2))} do"]
    for value in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            lines.append(f"{value}{sp}->{draw(space)}say \"{value}\"")
        else:
            lines += [f"{value} ->", *draw(blocks(depth + 1))]
    return [*lines, "end"]


@st.composite
def blocks(draw, depth: int = 0) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        lines += [""] * draw(st.integers(0, 2))
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(comment))
        lines += draw(statements(depth))
    return lines


@st.composite
def programs(draw) -> str:
    items: list[list[str]] = [["dialog other do", 'say "other"', "end"], ['@menu ["a", "b"]']]
    for number in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["dialog", "trigger", "task", "const", "one_line"]))
        if kind == "dialog":
            items.append([f"dialog d{number} do", *draw(blocks()), "end"])
        elif kind == "trigger":
            items.append([f'dialog trigger: "{draw(st.sampled_from(WORDS))}" do', *draw(blocks()), "end"])
        elif kind == "task":
            items.append([f"task t{number} do", f"x{draw(space)}={draw(space)}{number}", "end"])
        elif kind == "const":
            items.append([f"@c{number} {draw(expressions())}"])
        else:
            items.append([f'dialog trigger: "w{number}", do: say "{number}"'])
    items = draw(st.permutations(items))
    lines: list[str] = []
    for item in items:
        lines += [""] * draw(st.integers(0, 2))
        if draw(st.booleans()):
            lines.append(draw(comment))
        lines += item
    indents = draw(st.lists(st.integers(0, 6), min_size=1, max_size=20))
    return "\n".join(" " * indents[i % len(indents)] + line if line else line for i, line in enumerate(lines)) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(programs())
def test_generated_programs(program: str) -> None:
    try:
        parse_script(SourceFile("generated.bot", program))
    except BubbleError:
        assume(False)
    report = format_report(program)
    assert not report.unsafe
    formatted = report.text
    assert same_meaning(program, formatted)
    assert format_text(formatted) == formatted
    assert comments(formatted) == comments(program)
    assert unnamed_dialog_lines(formatted) == unnamed_dialog_lines(program)
    lines = formatted.split("\n")
    assert all(line == line.rstrip() for line in lines)
    assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in lines)
    if not report.held:  # nothing held back: the blank-line rules and the line limit hold everywhere
        assert "\n\n\n" not in formatted and not formatted.startswith("\n")
        assert not re.search(r"\bdo\n\n", formatted) and not re.search(r"\n\n *(end|else)\b", formatted)


def test_the_generator_makes_parseable_programs() -> None:
    """Most generated programs must parse, or the property above tests little."""
    parsed = 0

    @settings(max_examples=60, deadline=None, database=None)
    @given(programs())
    def count(program: str) -> None:
        nonlocal parsed
        try:
            parse_script(SourceFile("generated.bot", program))
            parsed += 1
        except BubbleError:
            pass

    count()
    assert parsed >= 30


def test_the_samples_folder_is_formatted_by_the_command(tmp_path: Path) -> None:
    """`bubble fmt --check samples` passes (notes about unnamed dialogs are not changes)."""
    from bubble_lang.cli.main import main

    root = Path(__file__).resolve().parents[2]
    assert main(["fmt", "--check", str(root / "samples")]) == 0
