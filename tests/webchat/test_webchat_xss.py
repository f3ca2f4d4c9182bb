"""Nothing a bot or a user writes ever runs in the page: hostile text in messages, markdown,
tables, file names, buttons, links, chart titles, choice items and the user's own messages is
shown as text (tests/webchat/xss.bot).

Each check looks at the DOM, not only at whether a script ran: the page's Content-Security-Policy
would stop an inline handler even if the page had inserted one, so "window.__xss is unset" alone
could not fail. The DOM must hold no element a hostile text asked for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

XSS = Path(__file__).parent / "xss.bot"
pytestmark = pytest.mark.browser

HOSTILE_NODES = """
var found = [];
document.querySelectorAll('.bubble-chat *').forEach(function (el) {
  Array.prototype.forEach.call(el.attributes, function (a) {
    if (/^on/i.test(a.name)) found.push(el.tagName + ' ' + a.name);
    if (/^\\s*javascript:/i.test(a.value)) found.push(el.tagName + ' ' + a.name + '=' + a.value);
  });
  if (el.tagName === 'SCRIPT') found.push('script');
  if (el.tagName === 'IMG' && el.getAttribute('src') === 'x') found.push('img src=x');
  if (el.tagName === 'B' || el.tagName === 'I') found.push(el.tagName);
});
return found;
"""


def test_hostile_text_is_shown_as_text_and_nothing_runs(chat):
    page = chat(XSS)
    page.sees("Pick")
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, ".chart .main-svg"), "the chart", timeout=20)
    page.click("<img src=x onerror=window.__xss='item'>")
    page.send()
    page.sees("Picked <img src=x onerror=window.__xss='item'>.")
    page.say("<script>window.__xss='user'</script><img src=x onerror=window.__xss='user2'>")
    page.sees("You said: <script>")
    for element in page.driver.find_elements(By.CSS_SELECTOR, ".messages button, .messages a, .messages label"):
        ActionChains(page.driver).move_to_element(element).perform()  # hover everything once
    page.screenshot("xss")

    text = page.text()
    assert "<img src=x onerror=window.__xss='say'>" in text  # shown literally
    assert "<script>window.__xss='md'</script>" in text
    assert "<img src=x onerror=window.__xss='file'>.txt" in text
    assert "<img src=x onerror=window.__xss='cell'>" in text
    assert page.js(HOSTILE_NODES) == []
    markdown = page.driver.find_element(By.CSS_SELECTOR, ".markdown")
    assert markdown.find_elements(By.CSS_SELECTOR, "a") == []  # a javascript: link stays text
    assert "click me" in markdown.text
    assert page.driver.find_element(By.CSS_SELECTOR, ".messages a.button").text == "<img src=x onerror=window.__xss='button'>"
    assert page.js("return window.__xss === undefined")



def test_the_page_forbids_inline_scripts_and_other_origins(chat):
    import httpx

    page = chat(XSS, open_page=False)
    response = httpx.get(page.server.http_url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    spoofed = httpx.get(page.server.http_url + "/", headers={"host": "evil; script-src *"})
    assert "evil" not in spoofed.headers["content-security-policy"]
