"""Sessions in the page: a reload resumes the conversation (history redrawn from the replay, never
a second greeting), a stopped server shows "offline" and the page reconnects by itself with
backoff when it is back, a message typed while offline is sent once, and a session the server
cannot resume starts a new conversation with a notice."""

from __future__ import annotations


import pytest

from tests.webchat.conftest import GALLERY

pytestmark = pytest.mark.browser


def test_a_reload_resumes_and_never_greets_twice(chat):
    page = chat(GALLERY)
    page.sees("Hello from the gallery")
    page.say("int")
    page.sees("How many?")
    page.reload()
    page.sees("How many?")
    page.fill("4")  # the open question was drawn again, and answers
    page.send()
    page.sees("Got 4.")
    page.reload()
    page.sees("Got 4.")
    assert page.text().count("Hello from the gallery") == 1
    assert page.text().count("How many?") == 1
    assert page.user_texts() == ["int", "4"]  # the user's side comes back too, in order


def test_the_server_restarts_and_the_conversation_goes_on(chat):
    page = chat(GALLERY)
    page.sees("Hello from the gallery")
    page.say("single")
    page.sees("Which size?")
    page.stop_server()
    page.wait(lambda: page.js("return document.querySelector('.bubble-chat').dataset.connection") == "offline",
              "the page to say it is offline")
    assert "Offline" in page.js("return document.querySelector('.status').textContent")
    page.screenshot("offline")
    page.click("Small")  # answered while the server is down: kept, and sent after reconnecting
    page.send()
    page.start_server()
    page.open_again()
    page.sees("Size Small.", timeout=30)
    assert page.text().count("Size Small.") == 1
    assert page.text().count("Hello from the gallery") == 1
    page.say("int")
    page.sees("How many?")


def test_a_session_that_cannot_be_resumed_starts_over_with_a_notice(chat):
    page = chat(GALLERY)
    page.sees("Hello from the gallery")
    page.js("for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i);"
            " if (/\\/ws$/.test(k)) { var s = JSON.parse(localStorage.getItem(k)); s.token = 'forged';"
            " localStorage.setItem(k, JSON.stringify(s)); } }")
    page.reload()
    page.sees("could not be resumed")
    page.sees("Hello from the gallery")
    assert page.session()["token"] != "forged"


def test_the_conversation_ends_and_a_new_one_can_start(chat, tmp_path):
    bot = tmp_path / "short.bot"
    bot.write_text('dialog main do\n  say "Hi there."\n  close\nend\n')
    page = chat(bot)
    page.sees("Hi there.")
    page.wait(lambda: page.js("return !document.querySelector('.ended').hidden"), "the end notice")
    assert not page.js("return document.querySelector('.composer').hidden === false")
    first = page.session()["session_id"]
    page.driver.find_element("css selector", ".ended button").click()
    page.sees("Hi there.")
    assert page.session()["session_id"] != first
