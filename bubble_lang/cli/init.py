"""`bubble init NAME`: a new bot folder whose tests pass at once (SPEC §16).

Output: `NAME/` with `main.bot` (a greeting, a question with quick replies, a trigger and an
`__unknown__`), `main.test.bot` (tests of all of it), a `bubble.toml` and a README saying how to
run, test and lint it. It never overwrites: an existing non-empty folder is refused (exit 2).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

MAIN_BOT = '''\
# {title}: a new bubble bot. Run it with `bubble run {folder}`, test it with `bubble test {folder}`.

@moods ["Great", "Fine", "Not so good"]

dialog main do
  say "Hello! I am {title}."
  ask "How are you today?", expecting: @moods
  branch answer do
    "Great" -> say "Wonderful!"
    "Fine" -> say "Good to hear."
  else
    say "I'm sorry to hear that. Say \\"help\\" if I can do something."
  end
end

dialog trigger: "help | what can you do" do
  say "I only know how to greet you for now. Teach me more in main.bot!"
end

dialog __unknown__ do
  say "Sorry, I did not understand that. Say \\"help\\" to see what I can do."
end
'''

MAIN_TEST = '''\
# Tests for main.bot: `bubble test {folder}` (or plain `pytest`) runs them.
# Each test starts a new conversation; `expect` reads the bot's next matching message.

test "greets and asks how we are" do
  expect "Hello! I am {title}."
  expect "How are you today"
  expect quick_replies: ["Great", "Fine", "Not so good"]
end

test "a great day" do
  say "great"
  expect "Wonderful"
  expect_end
end

test "a bad day" do
  say "Not so good"
  expect "sorry to hear that"
  assert answer == "Not so good"
end

test "help and unknown messages" do
  say "Fine"
  say "what can you do"
  expect "I only know how to greet you"
  say "sing a song"
  expect "Sorry I did not understand that"
end
'''

BUBBLE_TOML = '''\
# Settings of this bot; every key is optional (see the bubble documentation).
[bot]
locale = "en"
timezone = "UTC"
'''

README = '''\
# {title}

A chatbot written in bubble, a Bubblescript-style dialog language.

| file | what it is |
|---|---|
| `main.bot` | the dialogs of the bot |
| `main.test.bot` | conversation tests: `say` what the user types, `expect` what the bot answers |
| `bubble.toml` | settings: locale, time zone, limits, extension servers |

```
bubble run {folder}                # chat with the bot in the terminal
bubble test {folder}               # run the tests
bubble test {folder} --coverage    # ... and see which dialogs they reach
bubble lint {folder}               # check for mistakes
```
'''


def add_parser(commands: Any) -> None:
    parser = commands.add_parser("init", help="create a new bot folder with tests")
    parser.add_argument("name", metavar="NAME", help="the folder to create (its last part names the bot)")
    parser.set_defaults(handler=init_bot)


def bot_title(folder: Path) -> str:
    """`my_shop_bot` -> `My Shop Bot`: the name the greeting uses."""
    words = [word for word in re.split(r"[\s_\-.]+", folder.name) if word]
    return " ".join(word[:1].upper() + word[1:] for word in words) or "Bot"


def create_bot(folder: Path) -> list[Path]:
    """Write the files of a new bot into `folder` (created); the paths written, in order."""
    title = re.sub(r"[^\w ]", "", bot_title(folder)).strip() or "Bot"  # safe in strings and BML
    values = {"title": title, "folder": str(folder)}
    folder.mkdir(parents=True, exist_ok=True)
    files = {"main.bot": MAIN_BOT, "main.test.bot": MAIN_TEST, "bubble.toml": BUBBLE_TOML, "README.md": README}
    written = []
    for name, template in files.items():
        path = folder / name
        path.write_text(template.format(**values), encoding="utf-8")
        written.append(path)
    return written


def init_bot(args: argparse.Namespace) -> int:
    folder = Path(args.name)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        sys.stderr.write(f"bubble init: `{args.name}` already exists and is not an empty folder\n"
                         "help: choose a new name, or remove the folder first\n")
        return 2
    try:
        written = create_bot(folder)
    except OSError as error:
        sys.stderr.write(f"bubble init: cannot create `{args.name}`: {(error.strerror or str(error)).lower()}\n")
        return 2
    for path in written:
        sys.stdout.write(f"created {path}\n")
    sys.stdout.write(f"\nnext: `bubble run {folder}` to chat with it, `bubble test {folder}` to test it\n")
    return 0
