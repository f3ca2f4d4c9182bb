"""Valid scripts in `cases/*.bot` parse, and their AST dumps match the syrupy snapshots.

One snapshot per case file. After an intended change, run with `--snapshot-update` and read the
diff of `__snapshots__/test_parse_snapshots.ambr` before committing it.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from bubble_lang import nodes as n
from bubble_lang.build import parse_script
from bubble_lang.nodes import dump
from bubble_lang.source import SourceFile

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.glob("*.bot"))


def parse_text(text: str, name: str = "case.bot") -> n.Script:
    return parse_script(SourceFile(name, text))


def parse_case(path: Path) -> n.Script:
    return parse_script(SourceFile(path.name, path.read_text(encoding="utf-8")))


def test_there_are_cases() -> None:
    assert len(CASE_FILES) >= 5


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_snapshot(path: Path, snapshot) -> None:
    assert dump(parse_case(path)) == snapshot


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_case_is_stable_under_reparse(path: Path) -> None:
    """Parsing is deterministic, and layout does not change the tree (spans are not compared)."""
    first, second = parse_case(path), parse_case(path)
    assert first == second
    assert dump(first) == dump(second)


# ---------------------------------------------------------------------------------- helpers
def walk(node: object):
    """Every Node below `node`, depth first."""
    stack = [node]
    while stack:
        value = stack.pop()
        if isinstance(value, n.Node):
            yield value
            for field in reversed(attrs.fields(type(value))):
                stack.append(getattr(value, field.name))
        elif isinstance(value, tuple):
            stack.extend(reversed(value))


def only_dialog(text: str) -> n.DialogDecl:
    script = parse_text(text)
    assert len(script.decls) == 1
    decl = script.decls[0]
    assert isinstance(decl, n.DialogDecl)
    return decl


# ---------------------------------------------------------------------------------- every node spans
@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_node_has_a_sane_span(path: Path) -> None:
    script = parse_case(path)
    text = path.read_text(encoding="utf-8")
    count = 0
    for node in walk(script):
        count += 1
        assert node.span is not None, f"{type(node).__name__} has no span"
        assert 0 <= node.span.start <= node.span.end <= len(text)
        if not isinstance(node, n.Script):
            assert node.span.start < node.span.end, f"{type(node).__name__} has an empty span"
    assert count > 20


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_spans_name_their_text(path: Path) -> None:
    """A name's span covers the name, a string's starts at a quote, a command's at its word."""
    for node in walk(parse_case(path)):
        text = node.span.text
        if isinstance(node, n.Name):
            assert text == node.name
        elif isinstance(node, n.Atom) and text.startswith(":"):
            assert text == ":" + node.name
        elif isinstance(node, n.Const):
            assert text == "@" + node.name
        elif isinstance(node, n.Str):
            assert text.startswith('_"' if node.translated and not text.startswith('"') else '"')
            assert text.endswith('"')
        elif isinstance(node, n.Command) and node.word:
            assert node.word_span.text == node.word
            if node.target is None:
                assert text.startswith(node.word)
        elif isinstance(node, (n.DialogDecl, n.TaskDecl)):
            assert text.startswith("dialog" if isinstance(node, n.DialogDecl) else "task")
        elif isinstance(node, n.TestDecl):
            assert text.startswith("test")
        elif isinstance(node, (n.If, n.Branch, n.Repeat, n.Random, n.Once)):
            assert text.endswith("end")
        elif isinstance(node, n.ConstDecl):
            assert text.startswith("@" + node.name)
        elif isinstance(node, n.Call):
            assert text.startswith(node.name)
            assert node.name_span.text == node.name


# ---------------------------------------------------------------------------------- targeted positions
def test_positions_of_a_small_dialog() -> None:
    text = 'dialog main do\n  say "hi", class: "x"\n  x = ask "q"\nend\n'
    dialog = only_dialog(text)
    assert (dialog.span.line, dialog.span.column) == (1, 1)
    assert (dialog.name_span.line, dialog.name_span.column) == (1, 8)
    say, ask = dialog.body
    assert (say.span.line, say.span.column) == (2, 3)
    assert say.span.text == 'say "hi", class: "x"'
    assert (say.args[0].span.line, say.args[0].span.column) == (2, 7)
    option = say.options[0]
    assert option.key == "class" and (option.key_span.line, option.key_span.column) == (2, 13)
    assert option.span.text == 'class: "x"'
    assert isinstance(ask, n.Command) and ask.word == "ask"
    assert ask.span.text == 'x = ask "q"'
    assert (ask.word_span.line, ask.word_span.column) == (3, 7)
    assert ask.target.span.text == "x"


def test_positions_of_operators() -> None:
    decl = parse_text("@x a or b and c\n").decls[0]
    assert isinstance(decl, n.ConstDecl)
    assert decl.name_span.text == "@x"
    expr = decl.value
    assert isinstance(expr, n.Binary) and expr.op == "or"
    assert expr.op_span.text == "or" and expr.op_span.column == 6
    assert expr.span.text == "a or b and c"
    assert expr.right.op == "and" and expr.right.op_span.column == 11


def test_positions_in_strings_and_interpolation() -> None:
    decl = parse_text('@s "ab #{x + 1} \\n cd"\n').decls[0]
    string = decl.value
    assert isinstance(string, n.Str)
    first, interp, last = string.parts
    assert first.value == "ab " and first.span.column == 5
    assert isinstance(interp, n.Binary) and interp.span.text == "x + 1" and interp.span.column == 10
    assert last.value == " \n cd"
    # the escape maps back to the source: decoded index 1 is the newline at source column 18
    assert last.source_offset(1) == string.span.start + len('"ab #{x + 1} ')
    assert last.source_offset(3) - last.source_offset(1) == 3  # `\n` took two source characters


def test_positions_across_lines_use_code_points() -> None:
    text = 'dialog main do\n  say "héllo 👋"; say "b"\nend\n'
    dialog = only_dialog(text)
    second = dialog.body[1]
    assert (second.span.line, second.span.column) == (2, 18)


def test_positions_with_tabs() -> None:
    dialog = only_dialog('dialog main do\n\tsay "a"\nend\n')
    assert (dialog.body[0].span.line, dialog.body[0].span.column) == (2, 2)


def test_branch_arm_spans() -> None:
    text = 'dialog main do\n  branch do\n    a -> say "1"\n    b ->\n      say "2"\n      say "3"\n  end\nend\n'
    branch = only_dialog(text).body[0]
    assert isinstance(branch, n.Branch) and branch.subject is None
    first, second = branch.arms
    assert first.span.text == 'a -> say "1"'
    assert second.span.text.startswith("b ->") and second.span.text.endswith('say "3"')
    assert [len(arm.body) for arm in branch.arms] == [1, 2]


def test_empty_arm_has_no_body() -> None:
    text = 'dialog main do\n  branch x do\n    1 ->\n    2 -> say "2"\n  end\nend\n'
    branch = only_dialog(text).body[0]
    assert isinstance(branch.subject, n.Name)
    assert [len(arm.body) for arm in branch.arms] == [0, 1]


def test_inner_dialogs_are_separated_from_statements() -> None:
    text = 'dialog main do\n  say "a"\n  dialog label: "x", do: say "b"\n  say "c"\nend\n'
    dialog = only_dialog(text)
    assert [s.word for s in dialog.body] == ["say", "say"]
    assert len(dialog.inner) == 1 and dialog.inner[0].option("label") is not None


def test_short_form_dialog_has_one_statement() -> None:
    dialog = only_dialog('dialog trigger: @about, do: invoke about\n')
    assert dialog.name is None and dialog.option("trigger") is not None
    assert len(dialog.body) == 1 and dialog.body[0].word == "invoke"


def test_header_shapes() -> None:
    dialog = only_dialog('dialog order, trigger: "x" when a > 1 do\nend\n')
    assert dialog.name == "order"
    assert [o.key for o in dialog.options] == ["trigger"]
    assert isinstance(dialog.guard, n.Binary)
    dialog = only_dialog('dialog location: [lon: 4.89, lat: 52.36], radius: 3000 do\nend\n')
    assert dialog.name is None and [o.key for o in dialog.options] == ["location", "radius"]
    assert isinstance(dialog.option("location").value, n.KeywordList)


def test_once_and_random_on_one_line() -> None:
    once = only_dialog('dialog main do once do say "a"; say "b" after say "c" end end\n').body[0]
    assert isinstance(once, n.Once) and len(once.steps) == 2 and len(once.after) == 1
    random = only_dialog('dialog main do random do say "a"; say "b" end end\n').body[0]
    assert isinstance(random, n.Random) and len(random.choices) == 2


def number_value(expr: n.Expr) -> object:
    """A numeric literal's value; `-3` may be folded to a literal or kept as a negation."""
    if isinstance(expr, n.Unary) and expr.op == "-":
        return -number_value(expr.operand)
    assert isinstance(expr, n.Literal)
    return expr.value


def test_number_forms() -> None:
    values = parse_text("@n [1_000, 2.5, 0, 9007199254740992, -3, -9007199254740992, 1.5e3, --2]\n").decls[0].value.items
    assert [number_value(v) for v in values] == [1000, 2.5, 0, 2**53, -3, -(2**53), 1500.0, 2]
    assert isinstance(values[3].value, int)


def test_translated_forms() -> None:
    first, second = parse_text('@a _"x"\n@b _("x")\n').decls
    assert first.value.translated and first.value.literal == "x"
    assert isinstance(second.value, n.Call) and second.value.name == "_"


def test_multiline_string_keeps_newlines_and_indentation() -> None:
    decl = parse_text('@s "a\n   b\n"\n@t 1\n').decls
    assert decl[0].value.literal == "a\n   b\n"
    assert decl[1].span.line == 4


def test_return_minus_one_is_a_value() -> None:
    ret = only_dialog("dialog main do\n  return -1\nend\n").body[0]
    assert ret.word == "return" and number_value(ret.args[0]) == -1


def test_statement_words_are_names_elsewhere() -> None:
    """`type`, `event`, `location` are statement words only at the start of a statement."""
    dialog = only_dialog("dialog main do\n  say attachment.type\n  x = event.payload\n  y = location\nend\n")
    assert dialog.body[0].args[0].name == "type"
    assert isinstance(dialog.body[2].value, n.Name) and dialog.body[2].value.name == "location"


def test_keyword_as_option_key() -> None:
    emit = only_dialog('dialog main do\n  emit "x", in: 5, to: "y"\nend\n').body[0]
    assert [o.key for o in emit.options] == ["in", "to"]


def test_layout_does_not_change_the_tree() -> None:
    compact = parse_text('dialog main do say "a", class: "b"; x = [1, 2] end\n')
    spread = parse_text('dialog main do\n  say "a",\n    class: "b"\n  x = [\n    1,\n    2\n  ]\nend\n')
    assert compact == spread


def test_dialog_runtime_variable() -> None:
    """`dialog` is a keyword, but `dialog.stack` and `dialog.history` are the runtime variable (SPEC §4)."""
    dialog = only_dialog("dialog main do\n  say dialog.stack\n  x = dialog.history[0]\n"
                         "  if dialog.stack == [] do\n    say 1\n  end\nend\n")
    field = dialog.body[0].args[0]
    assert isinstance(field, n.Field) and field.name == "stack" and field.target.name == "dialog"
    assert isinstance(dialog.body[1].value, n.Index)


def test_declaration_spans_reach_their_end() -> None:
    text = 'dialog main do\n  say "hi"\nend\ntask t do\nend\ntest "x" do\n  say "a"\nend\ndialog e do\nend\n'
    for decl in parse_text(text).decls:
        assert decl.span.text.endswith("end"), decl.span.text


def test_not_equal_without_spaces() -> None:
    dialog = only_dialog("dialog main do\n  if a!=b do\n    say 1\n  end\nend\n")
    assert dialog.body[0].condition.op == "!="
