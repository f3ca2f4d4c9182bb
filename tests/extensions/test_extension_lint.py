"""`bubble lint` checks every `server:` against bubble.toml (B108); `--check-extensions` asks each
server's `GET /extensions` (B109 at the name, B110 when it cannot be asked); `bubble run` prints the
same as warnings at start and runs the bot anyway (SPEC §11)."""

from __future__ import annotations


import subprocess
import sys

import pytest

from bubble_lang.cli.main import main
from bubble_lang.extensions import ExtensionApp

from .conftest import ROOT, closed_port, reply, serve, write_bot

BOT = '''dialog main do
  extension "search_pokemon", server: "pokemon"
  extension "serch_pokemon", server: "pokemon"
  say "done"
end
'''


def pokemon_app() -> ExtensionApp:
    app = ExtensionApp()

    @app.extension("search_pokemon")
    def search(call):
        return call.reply(["Pikachu"])

    return app


@pytest.fixture(scope="module")
def pokemon_url():
    yield from serve(pokemon_app())


def lint(capsys, *argv: str) -> tuple[int, str]:
    code = main(["lint", "--color", "never", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def test_a_misspelt_server_is_an_error_with_did_you_mean(tmp_path, capsys, pokemon_url):
    folder = write_bot(tmp_path / "bot", BOT.replace('server: "pokemon"\n  say', 'server: "pokemom"\n  say'),
                       {"pokemon": pokemon_url})
    code, text = lint(capsys, str(folder))
    assert code == 1
    assert "error[B108]: no extension server `pokemom` in bubble.toml" in text
    assert "bot.bot:3:38" in text and "did you mean `pokemon`?" in text


def test_check_extensions_reports_an_unknown_name_at_its_position(tmp_path, capsys, pokemon_url):
    folder = write_bot(tmp_path / "bot", BOT, {"pokemon": pokemon_url})
    assert lint(capsys, str(folder))[0] == 0  # without the option nothing asks the server
    code, text = lint(capsys, "--check-extensions", str(folder))
    assert code == 1
    assert "error[B109]: extension server `pokemon` has no extension `serch_pokemon`" in text
    assert "bot.bot:3:13" in text and "did you mean `search_pokemon`?" in text
    assert "search_pokemon`\n" not in text.split("B109", 1)[0]  # the right name is not reported


@pytest.mark.parametrize("server, reason", [
    ("refused", "cannot be reached"),
    ("not_a_list", "did not answer `GET /extensions` with a JSON list of names (HTTP 200)"),
    ("status_404", "(HTTP 404)"),
])
def test_check_extensions_reports_a_server_it_cannot_ask(tmp_path, capsys, server, reason):
    apps = {"not_a_list": reply("200 OK", b'{"names": ["x"]}'), "status_404": reply("404 Not Found", b"[]")}
    running = serve(apps[server]) if server in apps else None
    url = next(running) if running else closed_port()
    folder = write_bot(tmp_path / "bot", BOT, {"pokemon": url})
    code, text = lint(capsys, "--check-extensions", str(folder))
    assert code == 1
    assert "error[B110]: cannot check the extensions of server `pokemon`" in text and reason in text
    assert text.count("B110") == 1 and "bot.bot:2:39" in text
    if running:
        next(running, None)


def test_check_extensions_with_the_seed_flask_example(tmp_path, capsys, seed_flask_url):
    folder = write_bot(tmp_path / "bot", 'dialog main do\n  extension "any", server: "flask"\nend\n',
                       {"flask": seed_flask_url})
    code, text = lint(capsys, "--check-extensions", str(folder))
    assert code == 0, text


def test_bubble_run_warns_at_start_and_runs_the_bot(tmp_path, pokemon_url):
    folder = write_bot(tmp_path / "bot", BOT, {"pokemon": pokemon_url})
    result = subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--store", "memory", str(folder)],
                            input="", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "warning[B109]: extension server `pokemon` has no extension `serch_pokemon`" in result.stderr
    # the second call fails at run time (the server answers 404), so the whole turn is rolled
    # back: the first call's "Pikachu" is not sent either
    assert "error[B470]" in result.stderr and "HTTP 404" in result.stderr
    assert result.stdout.splitlines() == ["Sorry, something went wrong on my side."]

