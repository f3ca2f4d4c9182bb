"""Assigning into a path (`order.items[0].name = v`), with the original's AutoMap semantics
(botsquad/bubble_lib `auto_map_test.exs`): missing or non-map steps become maps, an integer index
into a missing or short list extends it with nils, negative indexes count from the end, and the
variable's old value, held elsewhere, never changes."""

from __future__ import annotations

import pytest

from bubble_lang.diagnostics import BubbleError
from bubble_lang.runtime.session import SessionState

PATHS = """
dialog main do
  a = 1
  a.b = 123
  say "replaced: #{a.b}"
  c.x[2] = 5
  say "made: #{length(c.x)} #{c.x[2]} #{c.x[0] == nil}"
  f = [10, 0, 11]
  kept = f
  f[1] = 123
  f[-1] = 12
  say "updated: #{join(f, ",")} kept: #{join(kept, ",")}"
  g = [0]
  g[4] = 9
  say "extended: #{length(g)}"
  _local.x = "local"
  order.items[0].name = "pizza"
  k = "size"
  order[k] = "large"
  say "#{_local.x} #{order.items[0].name} #{order.size}"
  n = [["x", ["y"]]]
  n[0][1][2] = "z"
  say "nested: #{length(n[0][1])} #{n[0][1][2]}"
end
"""


def test_paths_are_made_and_updated_as_automap_does(chat):
    c = chat(PATHS)
    assert c.start() == ["replaced: 123", "made: 3 5 true", "updated: 10,123,12 kept: 10,0,11", "extended: 5",
                         "local pizza large", "nested: 3 z"]
    restored = SessionState.from_plain(c.conversation.state.to_plain())  # what was made is persisted
    assert restored.globals["order"] == {"items": [{"name": "pizza"}], "size": "large"}


@pytest.mark.parametrize(("statement", "message"), [
    ("message.x = 1", "`message` is a runtime variable"),
    ("user.items[0] = 1", "`user` is a runtime variable"),
    ('order.size = ask "Size?"', "`ask` stores its answer in a variable or a user field"),
    ("@menu[0] = 1", "cannot assign into the constant `@menu`"),
])
def test_targets_that_cannot_be_assigned(make_bot, statement, message):
    with pytest.raises(BubbleError) as refused:
        make_bot(f'@menu ["a"]\n\ndialog main do\n  {statement}\nend\n')
    assert message in refused.value.diagnostics[0].message and refused.value.diagnostics[0].hint


@pytest.mark.parametrize(("statement", "message"), [
    ("f = [1]\n  f[-3] = 1", "index -3 is before the start of a list of 1"),
    ("g = []\n  g[1.5] = 1", "cannot use number as an index"),
    ("g = []\n  g[10000000] = 1", "over the limit"),
])
def test_bad_indexes_are_script_errors(chat, statement, message):
    c = chat(f'dialog main do\n  say "ready"\nend\n\ndialog trigger: "go" do\n  {statement}\nend\n')
    c.start()
    c.say("go")
    assert any(message in error.diagnostics[0].message for error in c.errors)
