"""One `<script>` tag puts the chat on another site; the server's Origin allow-list decides which
sites may talk to it (`site.test` is mapped to 127.0.0.1 in the browser, so it is not loopback)."""

from __future__ import annotations

import http.server
import threading

import pytest
from selenium.webdriver.common.by import By

from tests.webchat.conftest import GALLERY

pytestmark = pytest.mark.browser


@pytest.fixture
def site(tmp_path):
    """A web site on its own port that embeds the chat of `chat_url` (set by the test)."""
    folder = tmp_path / "site"
    folder.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def page_for(chat_url: str) -> str:
        (folder / "index.html").write_text(
            "<!doctype html><html><head><title>Shop</title><style>button{background:red}</style></head><body>"
            "<h1>The corner shop</h1>"
            f'<script src="{chat_url}/webchat/embed.js" data-title="Ask the shop" async></script></body></html>')
        return f"http://site.test:{server.server_address[1]}/index.html"

    yield page_for
    server.shutdown()


def _open_embedded(page, url):
    driver = page.driver
    driver.get(url)
    launcher = page.wait(lambda: driver.execute_script(
        "var h = document.querySelector('[data-bubble-embed]'); return h && h.shadowRoot.querySelector('.launcher');"),
        "the launcher")
    launcher.click()
    return lambda: driver.execute_script(
        "var h = document.querySelector('[data-bubble-embed]'); var m = h.shadowRoot.querySelector('.messages');"
        " return m ? m.innerText : '';")


def test_an_allowed_site_embeds_the_chat(chat, site):
    page = chat(GALLERY, open_page=False, origins=())
    url = site(page.server.http_url)
    page.stop_server()
    origin = url.rsplit("/", 1)[0]
    page.settings["origins"] = (origin,)
    page.start_server()
    shown = _open_embedded(page, url)
    page.wait(lambda: "Hello from the gallery" in shown(), "the greeting in the embedded chat")
    box = page.driver.execute_script(
        "return document.querySelector('[data-bubble-embed]').shadowRoot.querySelector('.compose-text')")
    box.send_keys("int\n")
    page.wait(lambda: "How many?" in shown(), "the bot's answer")
    assert page.driver.find_element(By.CSS_SELECTOR, "h1").text == "The corner shop"  # the site is untouched
    page.screenshot("embedded")


def test_a_site_not_on_the_list_is_refused(chat, site):
    page = chat(GALLERY, open_page=False)
    shown = _open_embedded(page, site(page.server.http_url))
    page.wait(lambda: page.driver.execute_script(
        "return document.querySelector('[data-bubble-embed]').shadowRoot.querySelector('.bubble-chat')"
        ".dataset.connection") == "offline", "the refused socket to show offline")
    assert "Hello" not in shown()
