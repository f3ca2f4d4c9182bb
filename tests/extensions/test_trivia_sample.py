"""The trivia sample played against its real extension server (samples/trivia/trivia_server.py,
served on a free 127.0.0.1 port) with `bubble run`, as its README tells a user to."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from .conftest import ROOT, closed_port, serve

SAMPLE = ROOT / "samples" / "trivia"


def trivia_app():
    spec = importlib.util.spec_from_file_location("trivia_server", SAMPLE / "trivia_server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.app


@pytest.fixture(scope="module")
def trivia_url() -> Iterator[str]:
    yield from serve(trivia_app())


def play(tmp_path, url: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    folder = tmp_path / "trivia"
    shutil.copytree(SAMPLE, folder)
    config = (folder / "bubble.toml").read_text(encoding="utf-8").replace("http://127.0.0.1:8770", url)
    (folder / "bubble.toml").write_text(config, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "bubble_lang", "run", "--store", "memory", str(folder)],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_a_whole_game_against_the_real_server(tmp_path, trivia_url):
    result = play(tmp_path, trivia_url, ["Jupiter", "score", "portuguese", "score", "play"])
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Question 1 of 3: Which planet is the largest" in out
    assert "Right!" in out
    assert "Not quite: it is 8." in out  # during the quiz every message is a guess, "score" too
    assert "You scored 2 out of 3." in out  # the server moved the conversation to `final`
    assert "You have 2 of 3 so far." in out  # a trigger between games
    assert out.rstrip().endswith("Question 1 of 3: Which planet is the largest in our solar system? "
                                 "(Mars, Jupiter, Venus)\nYour answer?")
    assert "error" not in result.stderr.lower(), result.stderr


def test_the_server_down_runs_error_and_the_bot_goes_on(tmp_path):
    result = play(tmp_path, closed_port(), ["play"])
    assert "The quiz master is not answering right now" in result.stdout
    assert "error[B470]" in result.stderr
    assert result.stdout.count("The quiz master is not answering") == 2  # at the start, then again on "play"
