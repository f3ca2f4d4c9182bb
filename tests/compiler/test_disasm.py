"""The compiler, seen through `bubble disasm`: listings of sample dialogs are snapshot-tested."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubble_lang.cli.main import main
from bubble_lang.disassembler import disassemble
from bubble_lang.engine.bot import load_bot
from bubble_lang.opcodes import BY_NUMBER, OPCODES, stack_effect

ROOT = Path(__file__).resolve().parents[2]


def listing(sample: str) -> str:
    bot = load_bot(ROOT / "samples" / sample)
    text = "\n".join(disassemble(code) for key, code in sorted(bot.image.codes.items()))
    return text.replace(str(ROOT / "samples") + "/", "")


@pytest.mark.parametrize("sample", ["pizza.bot", "color.bot", "calculator.bot"])
def test_disassembly(sample: str, snapshot):
    assert listing(sample) == snapshot


def test_every_opcode_is_declared_with_effect_and_picture():
    for name, opcode in OPCODES.items():
        assert BY_NUMBER[opcode.number] is opcode
        assert opcode.picture and "->" in opcode.picture, name
        assert isinstance(opcode.effect, int), name


def test_max_stack_matches_a_simulated_run():
    """The compiler's max_stack is the peak of the summed stack effects along the code."""
    bot = load_bot(ROOT / "samples" / "restaurant.bot")
    for code in bot.image.codes.values():
        depth = peak = 0
        for op, arg in zip(code.ops, code.args):
            depth += stack_effect(op, arg, code.constants)
            peak = max(peak, depth)
        assert code.max_stack == peak
        assert code.max_stack >= 0


def test_disasm_command(capsys):
    assert main(["disasm", str(ROOT / "samples" / "pizza.bot"), "choose_pizza"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("dialog dialog:choose_pizza#0 ")
    assert "ASK" in out and "INVOKE" in out
    assert main(["disasm", str(ROOT / "samples" / "pizza.bot"), "nope"]) == 2
