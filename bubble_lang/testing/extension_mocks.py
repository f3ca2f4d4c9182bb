"""`mock_extension` in conversation tests (layer 11, SPEC §11–§12): a test stands in for an
extension server.

    test "lookup" do
      mock_extension "find_book", answers: ["Found it"], slots: %{title: "Dune"}, state: "details"
      say "find dune"
      expect "Found it"
    end

The test's conversation calls extensions through `MockExtensions` instead of the network: a call
of a mocked name gets its answers (texts, or maps with `text` and `image`), its slots (as text, as
a server sends them) and its state (a dialog's name, or its number in the state table); a call of
a name no `mock_extension` mocked fails the turn (B470), as an unreachable server would. The
answer is built as Chatto's reply and read by the same code as a real server's.
"""

from __future__ import annotations

import json
from typing import Any

from ..extensions.chatto_wire import read_reply, state_table
from ..runtime.inputs import ExtensionRequest, ExtensionResult
from ..runtime.script_errors import ScriptError
from ..runtime.values import Record, plain_text, to_text


class MockExtensions:
    """The extension adapter of a test's conversation (see the module docstring)."""

    def __init__(self, image: Any):
        self.table = state_table(image)
        self.mocks: dict[str, dict[str, Any]] = {}
        self.calls: list[ExtensionRequest] = []

    def mock(self, name: str, options: dict[str, Any]) -> None:
        """Record `mock_extension name, …`; a wrong option value is the test's error."""
        answers = options.get("answers", [])
        answers = answers if isinstance(answers, list) else [answers]
        reply_answers = []
        for answer in answers:
            answer = plain_text(answer)
            if isinstance(answer, dict):
                reply_answers.append({key: to_text(answer[key]) for key in ("text", "image") if key in answer})
            else:
                reply_answers.append({"text": to_text(answer)})
        slots = options.get("slots") or {}
        if not isinstance(slots, dict):
            raise ScriptError("`slots:` of `mock_extension` must be a map", 'write `slots: %{name: "Ada"}`')
        state = plain_text(options.get("state"))
        if isinstance(state, str):
            if state not in self.table:
                raise ScriptError(f"`state:` names no dialog: `{state}`", "give the name of one of the bot's dialogs")
            state = self.table[state]
        elif state is not None and (isinstance(state, bool) or not isinstance(state, int) or isinstance(state, Record)):
            raise ScriptError("`state:` must be a dialog name or number", 'write `state: "checkout"`')
        self.mocks[name] = {"answers": reply_answers, "slots": {key: to_text(plain_text(v)) for key, v in slots.items()},
                            "state": state}

    def call_sync(self, request: ExtensionRequest) -> ExtensionResult:
        self.calls.append(request)
        mock = self.mocks.get(request.name)
        if mock is None:
            return ExtensionResult(request_id=request.id, ok=False,
                                   error=f"no `mock_extension \"{request.name}\"` in this test, and tests call no "
                                         "real extension server")
        slots = dict(request.slots)
        slots.update(mock["slots"])
        reply = {"fsm": {"state": mock["state"] if mock["state"] is not None else request.state, "slots": slots},
                 "answers": mock["answers"]}
        return read_reply(request, 200, json.dumps(reply).encode())

    async def call(self, request: ExtensionRequest) -> ExtensionResult:
        return self.call_sync(request)
