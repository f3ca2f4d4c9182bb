"""`_"text"` and `_(text)` with a folder bot's `translations/<locale>.yaml` (the original marks
texts with `_()` for its translation sheet): the conversation's locale (`user.locale`, else
`[bot] locale`), placeholders moved or repeated, the language of a regional locale, the
compiled-bot cache, and B506 for files that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from bubble_lang.diagnostics import BubbleError
from bubble_lang.engine.bot import load_bot

BOT = '''
dialog main do
  name = "Ada"
  say _"Hello #{name}, what would you like?"
  say _("Goodbye")
  say _"Untranslated #{name}"
end

dialog trigger: "dutch" do
  user.locale = "nl-BE"
  invoke main
end

dialog trigger: "computed" do
  word = "Good" + "bye"
  say _(word)
end
'''


def _folder(tmp_path: Path, translations: dict[str, str], locale: str = "en") -> Path:
    folder = tmp_path / "shop"
    (folder / "translations").mkdir(parents=True)
    (folder / "bubble.toml").write_text(f'[bot]\nlocale = "{locale}"\n')
    (folder / "shop.bot").write_text(BOT)
    for name, text in translations.items():
        (folder / "translations" / name).write_text(text)
    return folder


NL = '"Hello #{name}, what would you like?": "#{name}! Hallo #{name}, wat wil je?"\nGoodbye: Dag\n'


def _texts(outputs) -> list[str]:
    return [output.text for output in outputs if output.kind == "text"]


def test_the_users_locale_picks_the_translation(tmp_path):
    bot = load_bot(_folder(tmp_path, {"nl.yaml": NL}))
    conversation = bot.conversation("c1")
    assert _texts(conversation.start()) == ["Hello Ada, what would you like?", "Goodbye", "Untranslated Ada"]
    assert _texts(conversation.send_text("dutch")) == ["Ada! Hallo Ada, wat wil je?", "Dag", "Untranslated Ada"]
    assert _texts(conversation.send_text("computed")) == ["Dag"]


def test_the_bots_locale_when_the_user_has_none_and_the_cache_follows_edits(tmp_path, monkeypatch):
    monkeypatch.setenv("BUBBLE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BUBBLE_NO_CACHE", raising=False)
    folder = _folder(tmp_path, {"nl.yaml": NL}, locale="nl")
    assert _texts(load_bot(folder).conversation("c1").start())[:2] == ["Ada! Hallo Ada, wat wil je?", "Dag"]
    cached = load_bot(folder)
    assert cached.image.program is None  # from the compiled-bot cache, translations included
    assert _texts(cached.conversation("c2").start())[1] == "Dag"
    (folder / "translations" / "nl.yaml").write_text(NL.replace("Dag", "Doei"))
    assert _texts(load_bot(folder).conversation("c3").start())[1] == "Doei"


@pytest.mark.parametrize(("name", "text", "message"), [
    ("nl.yaml", '"Hello #{name}, what would you like?": "Hallo #{naam}"\n', "uses `#{naam}`"),
    ("nl.yaml", "Goodbye: 5\n", "is not a text"),
    ("nl.yaml", "- a\n- b\n", "must map texts to their translations"),
    ("dutch!.yaml", "Goodbye: Dag\n", "does not name a locale"),
    ("nl.yaml", "Goodbye: [Dag\n", ""),  # a YAML error: B502 at its line
])
def test_translation_files_that_cannot_be_used_are_errors_at_the_file(tmp_path, name, text, message):
    with pytest.raises(BubbleError) as raised:
        load_bot(_folder(tmp_path, {name: text}))
    problem = raised.value.diagnostics[0]
    assert problem.code in ("B506", "B502") and message in problem.message
    assert problem.span is not None and problem.span.file.name.endswith(name) and problem.hint


def test_lint_names_the_texts_a_locale_lacks(tmp_path):
    from bubble_lang.frontend import check_bot, discover_bots

    folder = _folder(tmp_path, {"nl.yaml": NL, "de.yaml": 'Goodbye: "Tschüss"\n'})
    (check,) = [check_bot(files) for files in discover_bots(folder)]
    gaps = {(d.span.text, d.message) for d in check.diagnostics if d.code == "B310"}
    assert gaps == {
        ('_"Hello #{name}, what would you like?"', "this text has no translation in translations/de.yaml"),
        ('_"Untranslated #{name}"', "this text has no translation in translations/de.yaml, translations/nl.yaml"),
    }
    assert check.ok  # warnings: the bot still loads
