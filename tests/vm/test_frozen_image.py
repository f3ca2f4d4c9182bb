"""The linked image is frozen: nothing is written into it during a turn, so one `Bot` serves
many conversations on many threads (DESIGN §1b)."""

from __future__ import annotations

import json
import sys
import threading
import types
from pathlib import Path

import attrs
import pytest

from bubble_lang.engine.bot import load_bot
from bubble_lang.runtime.values import to_plain

from .conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
PIZZAS = ("margherita", "pepperoni", "hawaii")


def test_every_table_of_the_image_is_read_only():
    image = load_bot(ROOT / "samples" / "pizza.bot").image
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        image.entry = "other"  # type: ignore[misc]
    for field in attrs.fields(type(image)):
        value = getattr(image, field.name)
        if isinstance(value, (dict, list, set)):
            pytest.fail(f"`BotImage.{field.name}` is a mutable {type(value).__name__}")
        if isinstance(value, types.MappingProxyType):
            with pytest.raises(TypeError):
                value["x"] = 1  # type: ignore[index]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        image.dialogs[0].trigger = None  # type: ignore[misc]


def script(number: int) -> list[str]:
    """A pizza order that differs per conversation (and sometimes goes wrong on purpose)."""
    lines = ["hi"]
    if number % 4 == 0:
        lines.append(f"sushi {number}")
    lines += [PIZZAS[number % 3], str(number % 7 + 1), "yes" if number % 5 else "no"]
    return lines


def play(bot, number: int) -> list[str]:
    conversation = bot.conversation(f"user{number}", clock=lambda: NOW, seed=number)
    transcript = []
    for line in script(number):
        transcript += [f"{o.kind}:{o.text}" for o in conversation.send_text(line)]
    return transcript


def fingerprint(image) -> str:
    """Everything the image holds that a turn could write to, as text."""
    return json.dumps({
        "codes": sorted(image.codes), "patterns": sorted(image.patterns), "entries": sorted(image.entries),
        "constants": {key: to_plain(value) for key, value in image.constants.items()},
        "dialogs": [repr(entry) for entry in image.dialogs],
    }, sort_keys=True, default=str)


def test_a_thousand_conversations_on_eight_threads_match_playing_them_one_by_one(tmp_path):
    # Regex budgets are wall clock (SPEC §13): with eight threads switching every microsecond a
    # loaded machine could run one out, which would change a transcript for a reason that has
    # nothing to do with sharing the image. Generous budgets keep the comparison about sharing.
    folder = tmp_path / "pizza"
    folder.mkdir()
    (folder / "pizza.bot").write_text((ROOT / "samples" / "pizza.bot").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bubble.toml").write_text("[limits]\nregex_seconds_per_call = 10.0\nregex_seconds_per_turn = 60.0\n",
                                        encoding="utf-8")
    bot = load_bot(folder)
    before = fingerprint(bot.image)
    expected = {number: play(bot, number) for number in range(1000)}
    results: dict[int, list[str]] = {}
    errors: list[BaseException] = []

    def worker(start: int) -> None:
        try:
            for number in range(start, 1000, 8):
                results[number] = play(bot, number)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    try:
        threads = [threading.Thread(target=worker, args=(start,)) for start in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not errors
    different = [number for number in expected if results.get(number) != expected[number]]
    assert not different, (different[:5], [(results.get(n), expected[n]) for n in different[:2]])
    assert fingerprint(bot.image) == before
