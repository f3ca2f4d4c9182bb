"""The page for everyone: keyboard only, announced to screen readers, a phone-sized screen, light
and dark."""

from __future__ import annotations


import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.webchat.conftest import GALLERY

pytestmark = pytest.mark.browser


def _focused(page) -> str:
    return page.js("var e = document.activeElement; return e.tagName.toLowerCase() + '.' + e.className + ':' + "
                   "(e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30);")


def test_keyboard_only(chat):
    page = chat(GALLERY)
    page.sees("Hello from the gallery")
    keys = ActionChains(page.driver)
    page.driver.find_element(By.CSS_SELECTOR, ".compose-text").click()
    keys.send_keys("int", Keys.ENTER).perform()
    page.sees("How many?")
    page.wait(lambda: "input" in _focused(page) and "number" in _focused(page), "the new question to take the focus")
    ActionChains(page.driver).send_keys("4", Keys.ENTER).perform()  # Enter submits the widget's form
    page.sees("Got 4.")
    page.driver.find_element(By.CSS_SELECTOR, ".compose-text").click()
    ActionChains(page.driver).send_keys("single", Keys.ENTER).perform()
    page.sees("Which size?")
    # Tab through the choice, pick it with the arrow keys and space, then Tab to Send and press Enter
    ActionChains(page.driver).send_keys(Keys.SPACE).perform()
    ActionChains(page.driver).send_keys(Keys.ARROW_DOWN).perform()
    ActionChains(page.driver).send_keys(Keys.TAB, Keys.ENTER).perform()
    page.sees("Size Large.")


def test_screen_readers_hear_new_messages(chat):
    page = chat(GALLERY)
    log = page.driver.find_element(By.CSS_SELECTOR, ".messages")
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    assert page.driver.find_element(By.CSS_SELECTOR, ".status").get_attribute("role") == "status"
    for button in page.driver.find_elements(By.CSS_SELECTOR, ".bubble-chat button"):
        assert button.get_attribute("aria-label") or button.get_attribute("textContent").strip(), \
            button.get_attribute("outerHTML")
    page.say("int")
    page.sees("How many?")
    assert page.active().get_attribute("aria-label") == "How many?"


def test_a_phone_sized_screen(chat, browser):
    browser.set_window_size(390, 844)
    try:
        page = chat(GALLERY)
        page.say("content")  # wide content: tables, pictures and files must not widen the page
        page.sees("Pick one")
        page.click("Menu")
        page.say("chart")
        page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, ".chart .main-svg"), "the chart", timeout=20)
        page.say("form")
        page.sees("Your details")
        assert page.js("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        assert page.driver.find_element(By.CSS_SELECTOR, ".composer").is_displayed()
        page.screenshot("phone")
    finally:
        browser.set_window_size(1000, 1100)


def test_light_and_dark(chat):
    page = chat(GALLERY)
    background = "return getComputedStyle(document.querySelector('.bubble-chat')).backgroundColor"
    light = page.js(background)
    page.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Switch between light and dark']").click()
    dark = page.js(background)
    assert light != dark
    level = [int(part) for part in dark[dark.index("(") + 1:dark.index(")")].split(",")[:3]]
    assert sum(level) < 100  # dark indeed
    page.screenshot("dark")
    page.reload()
    assert page.js(background) == dark  # the choice is kept
