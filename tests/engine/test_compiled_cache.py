"""The compiled-bot cache: an unchanged bot loads from it, and plays exactly as when compiled;
any change to the bot or to bubble misses it; a damaged or hostile entry is ignored, never run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import attrs
import pytest

from bubble_lang.engine import compiled_cache
from bubble_lang.engine.bot import load_bot
from bubble_lang.frontend import discover_bots
from bubble_lang.source import Span
from bubble_lang.testing.suite import LoadedBot, bot_name, run_suite
from bubble_lang.vm.image_codec import Corrupt, decode_image
from bubble_lang.vm.bot_image import BotImage

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (ROOT / "samples").glob("*.bot") if not p.name.endswith(".test.bot"))


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BUBBLE_CACHE_DIR", str(folder))
    monkeypatch.delenv("BUBBLE_NO_CACHE", raising=False)
    return folder


def _plain(value: object) -> object:
    """A value with spans as (file name, start, end): two loads have two `SourceFile`s, which
    compare by identity."""
    if isinstance(value, Span):
        return (value.file.name, value.start, value.end)
    if type(value).__name__ == "Tables":  # caches keyed by the identity of pattern rules
        return ("Tables", value.text)
    if attrs.has(type(value)):
        return (type(value).__name__, tuple(_plain(getattr(value, f.name)) for f in attrs.fields(type(value))))
    if isinstance(value, (list, tuple)):
        return tuple(_plain(item) for item in value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _copy(sample: Path, into: Path) -> Path:
    for path in sample.parent.glob(sample.stem + ".*"):
        shutil.copy(path, into / path.name)
    return into / sample.name


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_a_cached_sample_is_the_compiled_one_and_passes_its_tests(sample: Path, cache: Path) -> None:
    compiled = load_bot(sample)
    assert compiled.image.program is not None  # compiled: the cache was empty
    cached = load_bot(sample)
    assert cached.image.program is None  # from the cache
    for field in attrs.fields(BotImage):
        if field.name in ("program", "concepts", "trigger_index", "constant_sizes"):  # rebuilt, by identity
            continue
        ours, theirs = getattr(cached.image, field.name), getattr(compiled.image, field.name)
        if field.name in ("codes", "entries", "named", "tasks", "before", "constants", "patterns", "constant_sizes"):
            ours, theirs = dict(ours), dict(theirs)
        elif field.name == "dialogs":
            ours, theirs = tuple(ours), tuple(theirs)
        assert _plain(ours) == _plain(theirs), field.name
    index, compiled_index = cached.image.trigger_index[0], compiled.image.trigger_index[0]
    assert (index.keys, index.by_word, index.always) == (compiled_index.keys, compiled_index.by_word,
                                                         compiled_index.always)
    assert _plain(list(index.patterns)) == _plain(list(compiled_index.patterns))
    assert cached.warnings == compiled.warnings
    files = next(iter(discover_bots(sample)))
    result = run_suite([LoadedBot(bot_name(files), files, cached)])
    assert result.outcomes and not result.failed, [o.diagnostics for _, o in result.failed]


def test_an_edit_misses_the_cache(tmp_path: Path, cache: Path) -> None:
    script = _copy(ROOT / "samples" / "pizza.bot", tmp_path)
    load_bot(script)
    assert load_bot(script).image.program is None
    script.write_text(script.read_text() + "\ndialog extra do\n  say \"new\"\nend\n")
    edited = load_bot(script)
    assert edited.image.program is not None and "extra" in edited.image.named
    assert "extra" in load_bot(script).image.named


def test_another_bubble_misses_the_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = ROOT / "samples" / "pizza.bot"
    load_bot(sample)
    monkeypatch.setattr(compiled_cache, "bubble_fingerprint", lambda: "another version of bubble")
    assert load_bot(sample).image.program is not None


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "other format", "foreign class",
                                   "bad span", "other key"])
def test_a_damaged_entry_is_ignored(damage: str, cache: Path) -> None:
    sample = ROOT / "samples" / "restaurant.bot"
    load_bot(sample)
    [entry] = compiled_cache.cached_entries()
    blob = entry.read_bytes()
    header, _, body = blob.partition(b"\n")
    head = json.loads(header)
    if damage == "truncated":
        blob = blob[: len(blob) // 2]
    elif damage == "garbage":
        blob = os.urandom(2000)
    elif damage == "empty":
        blob = b""
    elif damage == "other format":
        head["format"] = 999
    elif damage == "foreign class":
        head["image"]["config"] = {"a": "subprocess:Popen", "v": {"args": ["touch", str(cache / "pwned")]}}
    elif damage == "bad span":
        head["extra"]["diagnostics"] = {"L": [{"s": [99, 0, 1]}]}
    else:
        head["extra"]["key"] = "0" * 64
    if damage in ("other format", "foreign class", "bad span", "other key"):
        blob = json.dumps(head).encode() + b"\n" + body
    entry.write_bytes(blob)
    bot = load_bot(sample)
    assert bot.image.program is not None  # compiled again, and it works
    assert bot.conversation("u").send_text("hi") is not None
    assert not (cache / "pwned").exists()


@pytest.mark.parametrize("blob", [
    b'{"format":1,"image":{"x":{"a":"os:system","v":{}}}}\n',
    b'[' * 100_000 + b']' * 100_000 + b'\n',  # nesting deeper than the interpreter's stack
    b'{"format":1}\n', b'\n', b'nonsense',
])
def test_the_decoder_refuses_what_it_did_not_write(blob: bytes) -> None:
    with pytest.raises(Corrupt):
        decode_image(blob, [])


def test_no_cache_when_turned_off_or_unsafe(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sample = ROOT / "samples" / "pizza.bot"
    monkeypatch.setenv("BUBBLE_NO_CACHE", "1")
    load_bot(sample)
    assert not cache.exists() or not compiled_cache.cached_entries()
    monkeypatch.delenv("BUBBLE_NO_CACHE")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("BUBBLE_CACHE_DIR", str(shared))
    load_bot(sample)
    assert load_bot(sample).image.program is not None  # others may write there: never read
    assert not list(shared.iterdir())


def test_a_bot_with_errors_is_never_cached(tmp_path: Path, cache: Path) -> None:
    script = tmp_path / "broken.bot"
    script.write_text('dialog main do\n  invoke nowhere\nend\n')
    for _ in range(2):
        with pytest.raises(Exception, match="nowhere"):
            load_bot(script)
    assert not compiled_cache.cached_entries()


def test_old_entries_are_pruned(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compiled_cache, "KEEP", 3)
    script = tmp_path / "bot.bot"
    for number in range(6):
        script.write_text(f'dialog main do\n  say "{number}"\nend\n')
        load_bot(script)
    assert len(compiled_cache.cached_entries()) == 3


def test_a_bot_edited_while_it_compiles_is_not_kept(tmp_path: Path, cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    script = tmp_path / "bot.bot"
    script.write_text('dialog main do\n  say "old"\nend\n')
    from bubble_lang.engine import bot as bot_module

    real = bot_module.check_bot

    def check_then_edit(files, **options):
        checked = real(files, **options)
        script.write_text('dialog main do\n  say "new"\nend\n')  # saved by the editor meanwhile
        return checked

    monkeypatch.setattr(bot_module, "check_bot", check_then_edit)
    assert load_bot(script).conversation("u").send_text("hi")[0].text == "old"
    assert not compiled_cache.cached_entries()  # never keyed by text it was not compiled from
    monkeypatch.setattr(bot_module, "check_bot", real)
    assert load_bot(script).conversation("u").send_text("hi")[0].text == "new"
