"""`extension` calls against real servers on 127.0.0.1 (SPEC §11): the seed's Flask example
unmodified, servers written with `bubble_lang.extensions`, and every failure the SPEC lists."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pendulum
import pytest

from bubble_lang.engine.bot import load_bot
from bubble_lang.engine.durable import DurableConversation
from bubble_lang.engine.runner import Runner
from bubble_lang.extensions import ExtensionApp
from bubble_lang.storage import open_store

from .conftest import closed_port, serve, write_bot

NOW = pendulum.datetime(2024, 3, 5, 10, 0, tz="UTC")


def texts(outputs) -> list[str]:
    return [o.summary() for o in outputs if o.kind in ("text", "ask", "show")]


def test_the_seed_flask_example_unmodified(tmp_path, seed_flask_url):
    folder = write_bot(tmp_path / "bot", 'dialog main do\n  name = "Ada"\n  count = 3\n'
                       '  extension "any", server: "flask"\n  say "done #{name} #{count + 1}"\nend\n',
                       {"flask": seed_flask_url})
    conversation = load_bot(folder).conversation("c", clock=lambda: NOW)
    outputs = conversation.start()
    assert not conversation.last_errors
    assert texts(outputs) == ["Hello Universe", "[image] https://i.imgur.com/pPdjh6x.jpg", "done Ada 4"]
    assert conversation.state.globals["count"] == 3  # sent as "3", echoed unchanged: still a number


def test_the_request_is_chattos_body_byte_for_byte(tmp_path):
    seen: list[bytes] = []

    def recorder(environ, start_response):
        seen.append(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        seen.append(environ.get("CONTENT_TYPE", "").encode())
        body = b'{"fsm": {"state": 2, "slots": {"answer_1": "3"}}, "answers": [{"text": "Select one of the options."}]}'
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]

    server = serve(recorder)
    url = next(server)
    script = ('@yes intent(match: "yes", label: "yes")\n\ndialog main do\n  say "hi"\nend\n\n'
              'dialog question_1, trigger: @yes do\n  answer_1 = 3\n  big = [1, 2]\n  note = "<b> & \u2028 \\\\ \\t"\n'
              '  extension "val_ans_1", server: "quiz"\n  say "after"\nend\n')
    folder = write_bot(tmp_path / "bot", script, {"quiz": url})
    conversation = load_bot(folder).conversation("cli", clock=lambda: NOW)
    conversation.start()
    assert texts(conversation.send_text("yes")) == ["Select one of the options.", "after"]
    body, content_type = seen
    assert content_type == b"application/json"
    assert body == (
        '{"fsm":{"state":2,"slots":{"answer_1":"3","note":"\\u003cb\\u003e \\u0026 \\u2028 \\\\ \\t"}},'
        '"domain":{"state_table":{"any":-1,"initial":0,"main":1,"question_1":2},'
        '"default_messages":{"unknown":"Not sure I understood, try again please.",'
        '"unsure":"Not sure I understood, try again please.","error":"Sorry, something went wrong on my side."}},'
        '"extension":"val_ans_1","question":{"sender":"cli","text":"yes"},"channel":"bubble","command":"yes"}'
    ).encode()
    next(server, None)


MOVER = '''
dialog main do
  say "hi"
end

dialog trigger: "order" do
  item = "tea"
  quantity = 2
  extension "check_stock", server: "shop"
  say "still in order"
end

dialog confirm do
  say "confirming #{quantity} x #{item} (#{stock})"
end
'''


def shop_app(token: str | None = None) -> ExtensionApp:
    app = ExtensionApp(token=token)

    @app.extension("check_stock")
    def check_stock(call):
        assert call.slots == {"item": "tea", "quantity": "2"}
        return call.reply(answers=["in stock", {"image": "https://example.com/tea.png"}],
                          slots={"quantity": "5", "stock": "plenty"}, state="confirm")

    return app


def test_a_server_written_with_the_helper_moves_the_state_and_changes_slots(tmp_path):
    server = serve(shop_app())
    folder = write_bot(tmp_path / "bot", MOVER, {"shop": next(server)})
    conversation = load_bot(folder).conversation("c", clock=lambda: NOW)
    conversation.start()
    outputs = conversation.send_text("order")
    assert texts(outputs) == ["in stock", "[image] https://example.com/tea.png", "confirming 5 x tea (plenty)"]
    assert conversation.state.globals["quantity"] == 5 and conversation.state.globals["stock"] == "plenty"
    next(server, None)


def test_a_bearer_token_is_sent_and_a_wrong_one_refused(tmp_path):
    server = serve(shop_app(token="s3cret"))
    url = next(server)
    good = load_bot(write_bot(tmp_path / "good", MOVER, {"shop": url}, token="s3cret")).conversation("c")
    good.start()
    assert "in stock" in texts(good.send_text("order"))
    bad = load_bot(write_bot(tmp_path / "bad", MOVER, {"shop": url}, token="wrong")).conversation("c")
    bad.start()
    assert texts(bad.send_text("order")) == ["Sorry, something went wrong on my side."]
    assert "HTTP 401" in bad.last_errors[0].diagnostics[0].message
    next(server, None)


FAILING = '''
dialog main do
  say "hi"
end

dialog trigger: "go" do
  before_call = "set"
  extension "x", server: "s"
  say "after"
end

dialog trigger: "again" do
  say "still talking"
end

dialog __error__ do
  say "extension trouble"
end
'''


@pytest.mark.parametrize("failure, reason", [
    ("refused", "cannot be reached"), ("slow", "did not answer within"), ("status_500", "HTTP 500"),
    ("not_json", "did not answer JSON"), ("huge", "larger than 1,048,576 bytes"), ("no_fsm", "has no `fsm`"),
    ("bad_slots", "not a conversation variable name"), ("number_slot", "not text to text"),
    ("bad_state", "no dialog of this bot"),
])
def test_every_failure_sends_the_error_text_runs_error_and_keeps_the_state(tmp_path, failure_urls, failure, reason):
    url = closed_port() if failure == "refused" else failure_urls[failure]
    folder = write_bot(tmp_path / "bot", FAILING, {"s": url})
    store = open_store(f"sqlite://{tmp_path / 's.sqlite'}", tmp_path, environ={})
    conversation = DurableConversation(load_bot(folder), store, "c", clock=lambda: NOW)
    conversation.start()
    revision = store.revision(conversation.key)
    assert texts(conversation.send_text("go")) == ["extension trouble"]
    diagnostic = conversation.last_errors[0].diagnostics[0]
    assert diagnostic.code == "B470" and reason in diagnostic.message and diagnostic.span.line == 8
    stored = DurableConversation(load_bot(folder), store, "c", clock=lambda: NOW)
    assert "before_call" not in stored.state.globals and store.revision(conversation.key) == revision + 1
    assert texts(stored.send_text("again")) == ["still talking"]
    store.close()


def test_the_runner_calls_extensions_asynchronously(tmp_path):
    server = serve(shop_app())
    folder = write_bot(tmp_path / "bot", MOVER, {"shop": next(server)})

    async def main() -> list[str]:
        async with Runner(load_bot(folder)) as runner:
            await runner.open("c")
            return texts(await runner.send_text("c", "order"))

    assert asyncio.run(main()) == ["in stock", "[image] https://example.com/tea.png", "confirming 5 x tea (plenty)"]
    next(server, None)


class _KeepAlive(BaseHTTPRequestHandler):
    """An HTTP/1.1 server that keeps connections open, as Go's (Chatto's) does; it answers every
    call with the user's message and records the client port of each request."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    ports: list[int] = []

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.ports.append(self.client_address[1])
        body = json.dumps({"fsm": request["fsm"], "answers": [{"text": request["question"]["text"]}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_the_runner_keeps_its_connection_to_a_server_alive(tmp_path):
    """Calls reuse one kept-alive connection (a new client per call cost about 20 ms), and
    closing the runner closes it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _KeepAlive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = write_bot(tmp_path / "bot", 'dialog main do\n  say "hi"\nend\n\n'
                       'dialog trigger: "go" do\n  extension "probe", server: "p"\nend\n',
                       {"p": f"http://127.0.0.1:{server.server_port}"})

    async def main() -> tuple[list[list[str]], bool]:
        async with Runner(load_bot(folder)) as runner:
            await runner.open("c")
            said = [texts(await runner.send_text("c", "go")) for _ in range(3)]
        return said, runner.extensions._async is None

    said, closed = asyncio.run(main())
    server.shutdown()
    server.server_close()
    assert said == [["go"]] * 3
    assert len(_KeepAlive.ports) == 3 and len(set(_KeepAlive.ports)) == 1, _KeepAlive.ports
    assert closed


def test_a_call_that_never_answers_holds_no_lock_past_its_turn(tmp_path):
    """The 1 s timeout of the server ends the call; the next turn of the conversation gets in."""
    release = threading.Event()

    def stuck(environ, start_response):
        release.wait(5)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    server = serve(stuck)
    folder = write_bot(tmp_path / "bot", FAILING, {"s": next(server)})
    conversation = load_bot(folder).conversation("c", clock=lambda: NOW)
    conversation.start()
    assert texts(conversation.send_text("go")) == ["extension trouble"]
    assert texts(conversation.send_text("again")) == ["still talking"]
    release.set()
    next(server, None)


def test_the_extension_listing(tmp_path, seed_flask_url):
    from bubble_lang.extensions import ChattoClient, list_extensions

    folder = write_bot(tmp_path / "bot", 'dialog main do\n  extension "any", server: "flask"\nend\n',
                       {"flask": seed_flask_url})
    client = ChattoClient(load_bot(folder).image)
    assert list_extensions(client.servers["flask"], 1.0) == ["any"]
    assert json.dumps(client.table) == '{"any": -1, "initial": 0, "main": 1}'


def test_conversations_of_a_bot_share_one_client_made_when_first_needed(tmp_path):
    """One client per conversation cost about 550 bytes each (its state table) and reused no
    connection; conversations now share the bot's, made at the first call."""
    bot = load_bot(write_bot(tmp_path / "bot", 'dialog main do\n  say "hi"\nend\n', {"s": closed_port()}))
    first, second = bot.conversation("a"), bot.conversation("b")
    first.start()
    assert bot._extensions is None
    assert first.extensions is second.extensions is bot.extensions


def _wsgi(app: ExtensionApp, body: bytes, length: str | None = None, auth: str = "") -> tuple[str, dict]:
    import io
    from wsgiref.util import setup_testing_defaults

    environ: dict = {"REQUEST_METHOD": "POST", "PATH_INFO": "/extension", "wsgi.input": io.BytesIO(body),
                     "CONTENT_LENGTH": str(len(body)) if length is None else length, "HTTP_AUTHORIZATION": auth}
    setup_testing_defaults(environ)
    status: list[str] = []
    payload = b"".join(app(environ, lambda code, headers: status.append(code)))
    return status[0], json.loads(payload)


def test_the_extension_app_refuses_bad_requests_with_400_not_500_or_a_hang():
    app = shop_app(token="t" * 20)
    good = json.dumps({"extension": "check_stock", "fsm": {"state": 0, "slots": {}}}).encode()
    assert _wsgi(app, good)[0].startswith("401")  # no token
    assert _wsgi(app, good, auth="Bearer " + "t" * 19 + "x")[0].startswith("401")
    assert _wsgi(app, b"", length="-1", auth="Bearer " + "t" * 20)[0].startswith("400")  # read(-1) waited forever
    for shape in ({"extension": "check_stock", "fsm": "x"}, {"extension": "check_stock", "question": ["x"]},
                  {"extension": "check_stock", "fsm": {"state": "2"}}, {"extension": "check_stock", "domain": {"state_table": 1}}):
        status, body = _wsgi(app, json.dumps(shape).encode(), auth="Bearer " + "t" * 20)
        assert status.startswith("400") and body["code"] == 400, shape


def test_a_boolean_slot_written_back_stays_a_boolean(tmp_path):
    """Booleans go out as `true`/`false` (serving.md §2.9) and must come back as booleans: a
    written-back "false" was the text "false", which is truthy, so `if vip` took the wrong arm."""
    def flipper(environ, start_response):
        request = json.loads(environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"])))
        slots = request["fsm"]["slots"]
        body = json.dumps({"fsm": {"state": request["fsm"]["state"],
                                   "slots": {**slots, "vip": "false", "member": "TRUE", "count": "4",
                                             "flag": "maybe"}}, "answers": []})
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body.encode()]

    server = serve(flipper)
    url = next(server)
    folder = write_bot(tmp_path / "bot", 'dialog main do\n  vip = true\n  member = false\n  count = 3\n  flag = true\n'
                       '  extension "x", server: "s"\n  if vip do\n    say "wrong"\n  else\n    say "right"\n  end\nend\n',
                       {"s": url})
    conversation = load_bot(folder).conversation("c", clock=lambda: NOW)
    assert texts(conversation.start()) == ["right"]
    variables = conversation.state.globals
    assert (variables["vip"], variables["member"], variables["count"], variables["flag"]) == (False, True, 4, "maybe")
