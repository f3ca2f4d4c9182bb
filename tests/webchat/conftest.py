"""The web chat in a real headless Chromium (Debian's `chromium` + `chromium-driver`, selenium),
against a real `bubble serve` on 127.0.0.1 (tests/serve's `ServerThread`).

The browser is started once per test session; each test gets a clean profile state (local
storage cleared) and its own server. Screenshots go to `test-artifacts/webchat/` (or
`$BUBBLE_TEST_ARTIFACTS/webchat/`). Without a browser the tests skip and say which binary is
missing; `.ci/run` installs both.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from tests.serve.conftest import ServerThread

ROOT = Path(__file__).resolve().parents[2]
GALLERY = Path(__file__).parent / "gallery.bot"  # one trigger per widget and frame kind
ARTIFACTS = Path(os.environ.get("BUBBLE_TEST_ARTIFACTS", ROOT / "test-artifacts")) / "webchat"


def _browser_binaries() -> tuple[str | None, str | None]:
    browser = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    return browser, shutil.which("chromedriver")


@pytest.fixture(scope="session")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra: pip install -e '.[test]'")
    binary, driver_path = _browser_binaries()
    if binary is None or driver_path is None:
        pytest.skip("no headless browser: install Debian's `chromium` and `chromium-driver` (apt-get install -y "
                    "chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,1100",
                     "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--lang=en-US",
                     # another site for the embedding tests: not loopback, so the Origin allow-list decides
                     "--host-resolver-rules=MAP site.test 127.0.0.1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def _loose(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


class ChatPage:
    """The chat page as a user sees it: type, click, pick, and read what is shown."""

    def __init__(self, driver: Any, server: ServerThread, settings: dict[str, Any]):
        self.driver = driver
        self.server = server
        self.settings = settings
        self.stopped = False

    def stop_server(self) -> None:
        if not self.stopped:
            self.server.stop()
            self.stopped = True

    def start_server(self) -> None:
        """The same bot, store and port again (a restarted `bubble serve`)."""
        self.server = ServerThread(self.server.folder, port=self.server.port, **self.settings).start()
        self.stopped = False

    # ------------------------------------------------------------------ navigation
    def open(self, path: str = "/") -> ChatPage:
        self.driver.get(self.server.http_url + path)
        self.wait(lambda: self.js("return document.querySelector('.bubble-chat[data-connection=online]') !== null"),
                  "the chat to come online")
        return self

    def reload(self) -> ChatPage:
        self.driver.refresh()
        return self.open_again()

    def open_again(self) -> ChatPage:
        self.wait(lambda: self.js("return document.querySelector('.bubble-chat[data-connection=online]') !== null"),
                  "the chat to come online", timeout=30)
        return self

    def js(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def wait(self, condition: Any, what: str, timeout: float = 10) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            try:
                got = condition()
            except Exception:  # noqa: BLE001 - the page is changing under us; try again
                got = None
            if got:
                return got
            if time.monotonic() > deadline:
                self.screenshot("timeout")
                raise AssertionError(f"waited {timeout} s for {what}; the page shows:\n{self.text()}")
            time.sleep(0.05)

    # ------------------------------------------------------------------ reading
    def text(self) -> str:
        return self.js("var m = document.querySelector('.messages'); return m ? m.innerText : '';") or ""

    def bot_texts(self) -> list[str]:
        return self.js("return Array.from(document.querySelectorAll('.msg.bot')).map(e => e.innerText);")

    def user_texts(self) -> list[str]:
        return self.js("return Array.from(document.querySelectorAll('.msg.user')).map(e => e.innerText);")

    def sees(self, text: str, timeout: float = 10, count: int = 1) -> None:
        """Wait until `text` is shown (at least `count` times): case and spacing do not matter."""
        wanted = " ".join(text.lower().split())
        self.wait(lambda: " ".join(self.text().lower().split()).count(wanted) >= count, f"“{text}”", timeout)

    def reads(self, text: str, timeout: float = 10) -> None:
        """Wait until `text` is shown, read like a conversation test's `expect`: punctuation,
        case and spacing do not matter."""
        wanted = _loose(text)
        self.wait(lambda: wanted in _loose(self.text()), f"“{text}”", timeout)

    def step_title(self) -> str:
        return self.js("var s = document.querySelector('.stepbar'); return s && !s.hidden ? "
                       "s.querySelector('.step-title').textContent : '';")

    def session(self) -> dict[str, str]:
        return self.js("for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i);"
                       " if (/^bubble-chat:ws.*\\/ws$/.test(k)) return JSON.parse(localStorage.getItem(k)); }")

    def state(self) -> Any:
        """The conversation's committed state on the server (for captcha solutions, like a test's
        `submit :captcha_solution`)."""
        return asyncio.run(self.server.runner.state(self.session()["session_id"]))

    def active(self) -> Any:
        """The open question's controls (the last fieldset that is not disabled)."""
        from selenium.webdriver.common.by import By

        def find():
            fieldsets = self.driver.find_elements(
                By.CSS_SELECTOR, ".messages fieldset.quick:not([disabled]), .messages fieldset.widget:not([disabled])")
            return fieldsets[-1] if fieldsets else None
        return self.wait(find, "an open question")

    # ------------------------------------------------------------------ acting
    def say(self, text: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys

        box = self.driver.find_element(By.CSS_SELECTOR, ".compose-text")
        box.send_keys(text)
        box.send_keys(Keys.ENTER)

    def click(self, label: str) -> None:
        """Click a button (or a choice's label) of the open question by its text."""
        from selenium.webdriver.common.by import By

        fieldset = self.active()
        for element in fieldset.find_elements(By.CSS_SELECTOR, "button, label.choice"):
            lines = element.text.strip().lower().splitlines()  # a title, and maybe its subtitle
            if lines and label.lower() in (lines[0], " ".join(lines)):
                element.click()
                return
        raise AssertionError(f"no “{label}” in the open question: {fieldset.text}")

    def fill(self, value: str, selector: str = "input, textarea") -> None:
        from selenium.webdriver.common.by import By

        field = self.active().find_elements(By.CSS_SELECTOR, selector)[0]
        field.clear()
        field.send_keys(value)

    def select(self, label: str) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import Select

        Select(self.active().find_element(By.CSS_SELECTOR, "select")).select_by_visible_text(label)

    def send(self) -> None:
        """Press the open question's Send button."""
        from selenium.webdriver.common.by import By

        self.active().find_element(By.CSS_SELECTOR, "button[type=submit]").click()

    def back(self) -> None:
        from selenium.webdriver.common.by import By

        button = self.driver.find_element(By.CSS_SELECTOR, ".stepbar .back")
        self.wait(lambda: button.is_enabled(), "Back to be enabled")
        button.click()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    def console_errors(self) -> list[str]:
        """Script errors the page logged (network failures of the bots' example URLs aside)."""
        entries = self.driver.get_log("browser")
        return [entry["message"] for entry in entries
                if entry["level"] == "SEVERE" and entry.get("source") != "network"]


@pytest.fixture
def chat(browser, tmp_path):
    """`chat(bot_path, **settings)` → a ChatPage on a fresh server for that bot, opened."""
    pages: list[ChatPage] = []

    def start(bot: Path, *, open_page: bool = True, **settings: Any) -> ChatPage:
        folder = tmp_path / f"server{len(pages)}"
        folder.mkdir()
        for extra in bot.parent.glob("*"):  # bubble.toml and data files next to the bot
            if extra.is_file() and extra.suffix in (".toml", ".yaml", ".yml", ".json", ".csv"):
                shutil.copy(extra, folder / extra.name)
        shutil.copy(bot, folder / "serve.bot")
        server = ServerThread(folder, **settings).start()
        page = ChatPage(browser, server, settings)
        pages.append(page)
        browser.get(server.http_url + "/webchat/chat.css")  # an origin to clear storage on
        browser.execute_script("localStorage.clear()")
        browser.get_log("browser")
        return page.open() if open_page else page

    yield start
    browser.get("about:blank")
    for page in pages:
        page.stop_server()
