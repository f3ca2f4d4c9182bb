"""`user.frontend` names the channel that opened the conversation (the original's task guards
read it: `task t when user.frontend == "slack"`): the web chat's socket, the HTTP API, Telegram,
the terminal (tests/messengers/test_frontend_telegram.py); a value the user record has wins."""

from __future__ import annotations

import httpx

from .conftest import API_KEY, Client, ServerThread

BOT = 'dialog main do\n  say "via #{user.frontend}"\nend\n'


def test_the_socket_and_the_api_say_which_channel_opened(tmp_path):
    (tmp_path / "serve.bot").write_text(BOT)
    running = ServerThread(tmp_path).start()
    try:
        c = Client(running.ws_url)
        c.hello()
        assert c.recv()["text"] == "via web"
        c.close()
        answer = httpx.post(running.http_url + "/api/conversations/a1/messages", json={"text": "hi"},
                            headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10)
        assert [frame["text"] for frame in answer.json()["frames"]][0] == "via api"
    finally:
        running.stop()

