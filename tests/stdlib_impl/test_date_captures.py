"""An entity capture is usable by the date functions (SPEC §7b): `date_add(message.day, …)` reads
the `[date]` capture's date-time instead of failing with a hint that did not help."""

from __future__ import annotations

import pendulum

from bubble_lang import load_bot

BOT = '''dialog main do
  say "ready"
end

dialog trigger: "meet [date=day]" do
  say "Then: #{date_add(message.day, 1, :days)}."
end

dialog trigger: "see [1+=what]" do
  say "#{date_add(message.what, 1, :days)}"
end
'''


def test_a_date_capture_is_a_date_time(tmp_path):
    path = tmp_path / "dates.bot"
    path.write_text(BOT)
    now = pendulum.datetime(2024, 3, 5, 10, tz="UTC")
    conversation = load_bot(path).conversation("c", clock=lambda: now)
    conversation.start()
    outputs = conversation.send_text("meet tomorrow")
    assert [o.text for o in outputs] == ["Then: 2024-03-07T00:00:00Z."]
    failed = conversation.send_text("see you")
    assert conversation.last_errors
    hint = conversation.last_errors[0].diagnostics[0].hint
    assert "capture an entity like `[date=day]`" in hint
    assert failed  # the conversation goes on
