"""BESSER's own Streamlit UI, unchanged, ordering a pizza from `bubble serve --besser` in a real
headless Chromium (research/serving.md §1.6, "Streamlit UI test").

The UI is BESSER's code (`besser-bot-framework==1.5.0`, installed without its heavy dependencies,
plus what the UI imports: streamlit 1.40, websocket-client, opencv, pandas, plotly), in its own
virtual environment in the user's cache, made on first use (about 740 MB, a few minutes), so it
is marked slow: `pytest -m slow tests/serve/test_besser_streamlit_ui.py`. It is skipped, with the
reason, when there is no Chromium or the environment cannot be made (no network). A screenshot of
the finished order is written to `$BUBBLE_TEST_ARTIFACTS` (default: the test's tmp folder).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .test_shutdown import free_port, start

pytestmark = pytest.mark.slow
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
PIZZA = ROOT / "samples" / "pizza.bot"
UI_PACKAGES = ["streamlit==1.40.0", "websocket-client==1.6.4", "opencv-python-headless", "pandas", "plotly"]
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1000,900")


def ui_environment() -> Path | None:
    """The virtual environment holding BESSER's Streamlit UI (made once), or None."""
    venv = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "bubble-tests" / "besser-ui"
    python = venv / "bin" / "python"
    ready = venv / ".complete"
    if not ready.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
            pip = [str(python), "-m", "pip", "install", "-q"]
            subprocess.run([*pip, "--no-deps", "besser-bot-framework==1.5.0"], check=True, capture_output=True,
                           timeout=600)
            subprocess.run([*pip, *UI_PACKAGES], check=True, capture_output=True, timeout=1200)
        except (OSError, subprocess.SubprocessError):
            return None
        ready.write_text("ok\n")
    return venv


def chromium() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


@pytest.fixture
def browser(tmp_path):
    found = chromium()
    if found is None:
        pytest.skip("no Chromium and ChromeDriver (Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'chrome'}")
    options.binary_location = found[0]
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(found[1]))
    yield driver
    driver.quit()


def wait_for_text(driver, text: str, timeout: float = 20) -> None:
    WebDriverWait(driver, timeout).until(lambda d: text in d.find_element(By.TAG_NAME, "body").text,
                                         f"the page never showed {text!r}")


def say(driver, text: str) -> None:
    box = WebDriverWait(driver, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "textarea"))
    box.send_keys(text, Keys.ENTER)


def click_pill(driver, label: str) -> None:
    def pill(d):
        for button in d.find_elements(By.CSS_SELECTOR, "button"):
            if button.text.strip() == label and button.is_enabled():
                return button
        return None

    WebDriverWait(driver, 20).until(pill).click()


def test_besser_streamlit_ui_orders_a_pizza_through_bubble_serve(tmp_path, browser):
    venv = ui_environment()
    if venv is None:
        pytest.skip("BESSER's Streamlit UI could not be installed (no network?)")
    besser_ui = next((venv / "lib").glob("python*/site-packages/besser/bot/platforms/websocket/streamlit_ui/"
                                         "streamlit_ui.py"))
    shutil.copy(PIZZA, tmp_path / "pizza.bot")
    besser_port, ui_port = free_port(), free_port()
    server = start(tmp_path, free_port(), tmp_path / "pizza.bot", extra=["--besser", "--besser-port",
                                                                          str(besser_port), "--store", "memory"])
    ui = subprocess.Popen([str(venv / "bin" / "streamlit"), "run", "--server.address", "127.0.0.1",
                           "--server.port", str(ui_port), "--server.headless", "true",
                           "--browser.gatherUsageStats", "false", str(besser_ui), "pizza", "127.0.0.1",
                           str(besser_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                browser.get(f"http://127.0.0.1:{ui_port}")
                break
            except Exception:  # noqa: BLE001 - streamlit still starting
                assert time.monotonic() < deadline, "the Streamlit UI did not start"
                time.sleep(0.5)
        say(browser, "hi")
        wait_for_text(browser, "Welcome to Pizza Bot! Which pizza would you like?")
        click_pill(browser, "pepperoni")  # the options arrive as BESSER pills and are clicked
        wait_for_text(browser, "How many pepperoni pizzas?")
        say(browser, "2")
        wait_for_text(browser, "So that is 2 x pepperoni. Shall I place the order?")
        click_pill(browser, "yes")
        wait_for_text(browser, "Your order is placed. Goodbye!")
        artifacts = Path(os.environ.get("BUBBLE_TEST_ARTIFACTS") or tmp_path)
        artifacts.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(artifacts / "besser-streamlit-ui-pizza.png"))
    finally:
        ui.terminate()
        server.terminate()
        ui.wait(10)
        server.wait(10)
