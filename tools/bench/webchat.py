"""Web chat benchmark: how fast the page paints and is ready to type, and how much it weighs,
against BESSER's Streamlit UI talking to the same server.

    python tools/bench/webchat.py [--loads 20] [--no-peer]

One `bubble serve samples/pizza.bot --besser` on 127.0.0.1 serves both: bubble's page at `/` and
the BESSER-compatible endpoint BESSER's own Streamlit UI (besser-bot-framework 1.5.0, made once in
the user's cache as tests/serve/test_besser_streamlit_ui.py does) connects to. A headless
Chromium (Debian's `chromium` + `chromium-driver`) loads each page `--loads` times with its cache
disabled and storage cleared (every load a new visitor), and reads from the browser itself:

* `first_paint_ms`: first contentful paint after navigation (the Paint Timing API);
* `ready_ms`: the page can take a message (bubble: the socket said welcome; Streamlit: its chat
  input is drawn);
* `reply_ms`: typing "hi" until "Welcome to Pizza Bot" is shown;
* `own_js_css_bytes`: the JS and CSS the page loads (bubble: its own files, Plotly aside, which is
  fetched only when a chart arrives; Streamlit: every script and stylesheet it loads).

Prints one JSON line with medians and p95s, the ratios, and the targets (first paint ≤ 300 ms,
own JS+CSS ≤ 100 KiB).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PIZZA = ROOT / "samples" / "pizza.bot"
WEBCHAT = ROOT / "bubble_lang" / "serve" / "webchat"

WATCH = """
window.__bench = {};
(function watch() {
  var ready = document.querySelector(arguments_ready);
  if (ready && !window.__bench.ready) window.__bench.ready = performance.now();
  if (window.__bench.hi === undefined && document.body && document.body.innerText.indexOf('Welcome to Pizza Bot') >= 0
      && window.__bench.sent) window.__bench.hi = performance.now() - window.__bench.sent;
  requestAnimationFrame(watch);
})();
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer") from None
            time.sleep(0.2)


def browser(profile: Path) -> Any:
    from selenium import webdriver

    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not binary or not driver_path:
        sys.exit("needs Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver")
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,900",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.binary_location = binary
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(driver_path))
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})
    return driver


def measure(driver: Any, url: str, ready_selector: str, loads: int, send: Any) -> dict[str, Any]:
    """`loads` cold loads of `url`: first paint, ready, reply to "hi" (ms), and the JS+CSS bytes."""
    script = WATCH.replace("arguments_ready", json.dumps(ready_selector))
    handle = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": script})
    paints, readies, replies, weights = [], [], [], []
    try:
        for _ in range(loads):
            driver.get("about:blank")
            driver.execute_cdp_cmd("Storage.clearDataForOrigin", {"origin": url.rstrip("/"), "storageTypes": "all"})
            driver.get(url)
            deadline = time.monotonic() + 60
            while not driver.execute_script("return window.__bench && window.__bench.ready"):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} never became ready")
                time.sleep(0.01)
            send(driver)
            while driver.execute_script("return window.__bench.hi") is None:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} never answered hi")
                time.sleep(0.01)
            bench = driver.execute_script(
                "var p = performance.getEntriesByName('first-contentful-paint')[0];"
                "var own = performance.getEntriesByType('resource').filter(function (r) {"
                "  return r.initiatorType === 'script' || r.initiatorType === 'link' || /\\.(js|css)(\\?|$)/.test(r.name); });"
                "return {paint: p ? p.startTime : null, ready: window.__bench.ready, hi: window.__bench.hi,"
                " bytes: own.reduce(function (n, r) { return n + (r.decodedBodySize || 0); }, 0)};")
            paints.append(bench["paint"])
            readies.append(bench["ready"])
            replies.append(bench["hi"])
            weights.append(bench["bytes"])
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": handle["identifier"]})

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(v for v in values if v is not None)
        return {"median": round(statistics.median(ordered), 1),
                "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1)}

    return {"first_paint_ms": summary(paints), "ready_ms": summary(readies), "reply_ms": summary(replies),
            "js_css_bytes": max(weights)}


def send_bubble(driver: Any) -> None:
    driver.execute_script("window.__bench.sent = performance.now();"
                          "var box = document.querySelector('.compose-text'); box.value = 'hi';"
                          "box.form.requestSubmit();")


def send_streamlit(driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.execute_script("window.__bench.sent = performance.now();")
    driver.find_element(By.CSS_SELECTOR, "textarea").send_keys("hi", Keys.ENTER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=20)
    parser.add_argument("--no-peer", action="store_true", help="measure bubble's page only")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bubble-webchat-bench-"))
    shutil.copy(PIZZA, work / "pizza.bot")
    port, besser_port = free_port(), free_port()
    server = subprocess.Popen([sys.executable, "-m", "bubble_lang", "serve", str(work / "pizza.bot"), "--port", str(port),
                               "--store", "memory", "--besser", "--besser-port", str(besser_port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=work)
    processes = [server]
    driver = None
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        driver = browser(work / "chrome")
        own = sum(path.stat().st_size for path in WEBCHAT.glob("*.*") if path.name != "embed.js")
        report: dict[str, Any] = {"bench": "webchat", "loads": args.loads,
                                  "bubble": measure(driver, f"http://127.0.0.1:{port}/", ".bubble-chat[data-connection=online]",
                                                    args.loads, send_bubble)}
        report["bubble"]["own_files_bytes"] = own
        if not args.no_peer:
            from tests.serve.test_besser_streamlit_ui import ui_environment

            venv = ui_environment()
            if venv is None:
                report["besser_streamlit"] = "not measured: its environment could not be made (no network?)"
            else:
                ui_script = next((venv / "lib").glob("python*/site-packages/besser/bot/platforms/websocket/"
                                                     "streamlit_ui/streamlit_ui.py"))
                ui_port = free_port()
                processes.append(subprocess.Popen(
                    [str(venv / "bin" / "streamlit"), "run", "--server.address", "127.0.0.1", "--server.port",
                     str(ui_port), "--server.headless", "true", "--browser.gatherUsageStats", "false", str(ui_script),
                     "pizza", "127.0.0.1", str(besser_port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    env={**os.environ, "PYTHONWARNINGS": "ignore"}))
                wait_http(f"http://127.0.0.1:{ui_port}/")
                peer = measure(driver, f"http://127.0.0.1:{ui_port}/", "textarea", args.loads, send_streamlit)
                report["besser_streamlit"] = peer
                report["ratios"] = {
                    key: round(peer[key]["median"] / report["bubble"][key]["median"], 1)
                    for key in ("first_paint_ms", "ready_ms", "reply_ms")}
                report["ratios"]["js_css_bytes"] = round(peer["js_css_bytes"] / report["bubble"]["js_css_bytes"], 1)
        report["targets"] = {"first_paint_ms_at_most": 300, "own_js_css_bytes_at_most": 100 * 1024,
                             "first_paint_met": report["bubble"]["first_paint_ms"]["p95"] <= 300,
                             "size_met": own <= 100 * 1024}
        print(json.dumps(report))
    finally:
        if driver is not None:
            driver.quit()
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
