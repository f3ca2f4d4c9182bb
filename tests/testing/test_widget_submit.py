"""`submit` in conversation tests sends a control's typed value to a widget question (SPEC §8, §12):
lists, maps, dates and booleans arrive typed; `submit :captcha_solution` solves a captcha from the
server side; the transcript stays readable and never shows a secret or a captcha's text."""

from __future__ import annotations

from .helpers import failure_text, run_all

BOT = '''
dialog main do
  say "Hello"
end

dialog trigger: "order" do
  drinks = ask "Drinks?", expecting: input_method("multi_choice", items: ["tea", "coffee", "juice"], max_options: 2)
  where = ask "Where to?", expecting: input_method("location")
  ok = ask "Place it?", expecting: input_method("confirm")
  say "#{length(drinks)} drinks to #{where.lat}, confirmed #{ok}"
end

dialog trigger: "signup" do
  who = ask "Details", expecting: input_method("form", fields: [%{name: "name", label: "Name"}, %{name: "age", kind: "int", min: 18}, %{name: "pin", kind: "secret"}])
  cv = ask "Your CV", expecting: input_method("upload", allowed_types: ["pdf"], max_size: 5000)
  day = ask "When?", expecting: input_method("datetime")
  say "#{who.name} (#{who.age}), #{cv.name}, #{date_format(day, "{YYYY}-{0M}-{0D}")}"
end

dialog trigger: "human" do
  human = ask "Prove you are human", expecting: input_method("captcha", max_tries: 2)
  say "human: #{human}"
end

dialog trigger: "pin" do
  pin = ask "PIN?", expecting: input_method("secret")
  say "stored"
end
'''


def test_typed_submits_to_every_kind(tmp_path):
    results = run_all(tmp_path, BOT, '''
test "order" do
  say "order"
  expect widget: "multi_choice"
  submit ["tea", "coffee", "juice"]
  expect "Please choose at most 2"
  submit ["tea", "juice"]
  expect widget: "location"
  submit %{lat: 52.37, lon: 4.89}
  expect widget: "confirm"
  submit false
  expect "drinks to"
  assert where.lat == 52.37
  assert ok == false
  assert drinks == ["tea", "juice"]
end

test "signup" do
  say "signup"
  submit %{name: "Ann", age: 12, pin: "1234"}
  expect "Please give a number of at least 18"
  submit %{name: "Ann", age: 30, pin: "1234"}
  submit %{name: "cv.exe", type: "application/octet-stream", size: 10}
  expect "That type of file is not accepted"
  submit %{name: "cv.pdf", type: "application/pdf", size: 1200}
  submit date_parse("2024-04-01T10:00")
  expect "Ann"
  assert cv.size == 1200
  assert who.age == 30
  assert date_format(day, "{YYYY}-{0M}-{0D}") == "2024-04-01"
end

test "captcha" do
  say "human"
  expect widget: "captcha"
  submit "WRONG"
  expect "That was not right 1 try left"
  submit :captcha_solution
  expect "human true"
end

test "captcha runs out" do
  say "human"
  submit "A"
  submit "B"
  expect "human false"
end

test "secret" do
  say "pin"
  submit "9876"
  expect "stored"
  assert pin == "9876"
end
''')
    for title, outcome in results.items():
        assert outcome.passed, failure_text(outcome)
    signup = "\n".join(line.text for line in results["signup"].transcript)
    assert "%{name: \"Ann\", age: 30, pin: \"[redacted]\"}   (submitted)" in signup
    assert "1234" not in signup
    captcha = results["captcha"]
    shown = "\n".join(line.text for line in captcha.transcript)
    assert "(captcha solution)   (submitted)" in shown
    assert "9876" not in "\n".join(line.text for line in results["secret"].transcript)


def test_captcha_solution_needs_a_captcha(tmp_path):
    results = run_all(tmp_path, BOT, '''
test "no captcha" do
  say "pin"
  submit :captcha_solution
end
''')
    outcome = results["no captcha"]
    assert outcome.diagnostics[0].code == "B483"
    assert "captcha" in outcome.diagnostics[0].message
