"""The statement table (layer 3).

Every simple statement of SPEC §5 and §12 with its shape: how many positional arguments it takes,
which options, and where it may stand (dialog, task, test). The builder checks shapes against this
table, the checks check contexts, and the compiler dispatches on the word. One table, so a new
statement is one line here plus its code generation.
"""

from __future__ import annotations

import attrs

DIALOG = "dialog"
TASK = "task"
TEST = "test"
ANY_OPTION = "*"


@attrs.frozen(kw_only=True)
class StatementSpec:
    """The shape of one statement word."""

    word: str
    min_args: int
    max_args: int
    options: frozenset[str] = frozenset()
    contexts: frozenset[str] = frozenset({DIALOG})
    option_only: bool = False  # `expect buttons: […]`: an option may stand instead of the argument
    doc: str = ""

    def accepts(self, key: str) -> bool:
        return key in self.options or ANY_OPTION in self.options


def _spec(word: str, min_args: int, max_args: int, options: str = "", contexts: tuple[str, ...] = (DIALOG,),
          doc: str = "", option_only: bool = False) -> StatementSpec:
    return StatementSpec(word=word, min_args=min_args, max_args=max_args,
                         options=frozenset(options.split()), contexts=frozenset(contexts), doc=doc,
                         option_only=option_only)


STATEMENTS: dict[str, StatementSpec] = {spec.word: spec for spec in (
    _spec("say", 1, 1, "class as quick_replies", (DIALOG, TEST), "send a text message (in a test: the user says it)"),
    _spec("ask", 1, 1, "expecting quick_replies timeout timeout_dialog class as", (DIALOG,),
          "send a question and wait for the answer"),
    _spec("prompt", 1, 1, "quick_replies class", (DIALOG,), "keep waiting and re-prompting until `continue`"),
    _spec("continue", 0, 0, "", (DIALOG,), "leave the pending ask or prompt of the frame below"),
    _spec("show", 1, 1, "caption class quick_replies zoom maptype", (DIALOG,), "show media or rich content"),
    _spec("type", 1, 1, "", (DIALOG,), "show a typing indicator for a duration"),
    _spec("pause", 1, 1, "", (DIALOG,), "wait silently for a duration"),
    _spec("invoke", 1, 1, "message", (DIALOG,), "push a dialog; return to the next statement"),
    _spec("goto", 1, 1, "", (DIALOG,), "replace the current dialog with another"),
    _spec("perform", 1, 1, "", (DIALOG, TASK), "run a task now"),
    _spec("extension", 1, 1, "server", (DIALOG, TASK), "call an extension server"),
    _spec("emit", 1, 2, ANY_OPTION, (DIALOG, TASK), "send or schedule an event"),
    _spec("cancel", 1, 1, "", (DIALOG, TASK), "cancel a scheduled emit"),
    _spec("await", 1, 1, "timeout", (DIALOG,), "wait until an event arrives"),
    _spec("remember", 1, 1, "", (DIALOG, TASK), "persist a `user.` field"),
    _spec("forget", 1, 1, "", (DIALOG, TASK), "delete a `user.` field"),
    _spec("tag", 1, 1, "", (DIALOG, TASK), "add a conversation tag"),
    _spec("untag", 1, 1, "", (DIALOG, TASK), "remove a conversation tag"),
    _spec("log", 1, 1, "", (DIALOG, TASK, TEST), "write a structured log line"),
    _spec("mail", 3, 3, "", (DIALOG, TASK), "send an e-mail: `mail to, subject, body` (`[mail]` in bubble.toml)"),
    _spec("step", 1, 1, "final", (DIALOG,), "mark a wizard step"),
    _spec("return", 0, 1, "", (DIALOG, TASK), "leave the current dialog or task"),
    _spec("close", 0, 0, "", (DIALOG, TASK), "end the conversation"),
    _spec("break", 0, 0, "", (DIALOG, TASK, TEST), "leave the innermost `repeat`"),
    _spec("assert", 1, 1, "", (TEST,), "fail the test unless the condition holds"),
    _spec("expect", 1, 1, "buttons quick_replies widget show step mail", (TEST,),
          "the next bot message must match", option_only=True),
    _spec("expect_not", 1, 1, "", (TEST,), "no unread bot message matches"),
    _spec("expect_end", 0, 0, "", (TEST,), "the bot sends no more messages"),
    _spec("submit", 1, 1, "", (TEST,), "answer the pending widget"),
    _spec("event", 1, 2, ANY_OPTION, (TEST,), "send an event to the bot"),
    _spec("location", 1, 1, "", (TEST,), "send a location pin"),
    _spec("attachment", 1, 1, "url name type size", (TEST,), "send an attachment"),
    _spec("advance", 1, 1, "", (TEST,), "move the test clock forward"),
    _spec("back", 0, 0, "first", (TEST,), "press Back in a wizard (`first: true`: back to its first step)"),
    _spec("mock_extension", 1, 1, "answers slots state", (TEST,),
          "stand in for an extension server: the answer this test's calls of that extension get"),
)}

# Words that are blocks or definitions, for "did you mean" on unknown statements.
BLOCK_WORDS = ("if", "unless", "branch", "repeat", "random", "once", "dialog", "task", "test")

# Statements of the original Bubblescript that bubble does not have, with what to write instead.
# Scripts copied from its documentation meet them, and "did you mean `step`?" for `stop` would
# send the author the wrong way.
ORIGINAL_ONLY_STATEMENTS: dict[str, str] = {
    "query": "bubble has no `query`: `emit` an event, and handle the reply with `dialog event:` or "
             "`await event(\"name\")`",
    "buttons": "buttons are content: `show buttons(\"What next?\", [\"Menu\", %{title: \"Docs\", url: \"…\"}])`",
    "stop": "to end the conversation write `close`; to leave this dialog write `return`",
    "exit": "to end the conversation write `close`; to leave this dialog write `return`",
    "halt": "to end the conversation write `close`; to leave this dialog write `return`",
    "wait": "write `pause n` for a silent delay, or `await event(\"name\")` to wait for an event",
    "unset": "assign `nil` instead, like `x = nil`",
    "switch_language": "set the conversation's locale with `user.locale = \"nl\"`: `_\"…\"` texts follow it "
                       "(docs/language.md#translations)",
}

# Read-only variables the runtime provides (SPEC §4).
RUNTIME_VARIABLES = frozenset({"message", "answer", "event", "location", "attachment", "user", "bot",
                               "conversation", "schedule_id", "dialog", "entity"})

# Options of dialog and task headers.
DIALOG_HEADER_OPTIONS = ("trigger", "event", "location", "radius", "attachment", "label")
TASK_HEADER_OPTIONS = ("before", "event")
