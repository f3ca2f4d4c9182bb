"""Every widget kind and content frame of SPEC §8 drawn and answered as a real control in the page
(tests/webchat/gallery.bot has one trigger per kind), wizard steps with Back, and the voice and file
inputs."""

from __future__ import annotations

import time

import pendulum
import pytest
from selenium.webdriver.common.by import By

from bubble_lang.runtime.values import to_text
from bubble_lang.vm.captcha_challenges import challenge_of

from tests.webchat.conftest import GALLERY

pytestmark = pytest.mark.browser


def test_text_secret_multiline_and_numbers(chat):
    page = chat(GALLERY)
    page.sees("Hello from the gallery")
    page.say("text")
    page.sees("Your nickname?")
    assert page.active().find_element(By.CSS_SELECTOR, "input").get_attribute("placeholder") == "nickname"
    page.fill("A")
    page.send()
    page.sees("Please type at least 2 characters")  # checked on the server, asked again
    page.fill("Ann")
    page.send()
    page.sees("Nickname: Ann.")

    page.say("secret")
    page.sees("Your password?")
    field = page.active().find_element(By.CSS_SELECTOR, "input")
    assert field.get_attribute("type") == "password"
    page.fill("hunter22")
    page.send()
    page.sees("Password of 8 characters.")
    assert "hunter22" not in page.text()  # shown as dots, never echoed
    assert "hunter22" not in page.js("return JSON.stringify(localStorage)")

    page.say("multiline")
    page.sees("Your address?")
    area = page.active().find_element(By.CSS_SELECTOR, "textarea")
    area.send_keys("Main street 1")
    area.send_keys("\n")  # Enter in a multi-line field is a new line, not a send
    area.send_keys("Springfield")
    page.send()
    page.sees("Address lines: 2.")

    page.say("int")
    page.sees("How many?")
    number = page.active().find_element(By.CSS_SELECTOR, "input")
    assert (number.get_attribute("type"), number.get_attribute("min"), number.get_attribute("max")) == ("number", "1", "5")
    page.fill("9")
    page.send()
    page.sees("between 1 and 5")
    page.fill("3")
    page.send()
    page.sees("Got 3.")

    page.say("number")
    page.sees("Your weight?")
    page.fill("72.5")
    page.send()
    page.sees("Weight 72.5.")
    page.screenshot("gallery-text-widgets")


def test_choices_dropdown_autocomplete_picker_and_confirm(chat):
    page = chat(GALLERY)
    page.say("single")
    page.sees("Which size?")
    page.click("Large")
    page.send()
    page.sees("Size Large.")

    page.say("multi")
    page.sees("Toppings?")
    page.send()  # nothing picked: at least one is needed
    page.sees("at least 1")
    page.click("Olives")
    page.click("Cheese")
    page.send()
    page.sees("Toppings: Cheese, Olives.")  # the items' order, not the clicks'

    page.say("ordered")
    page.sees("Rank these")
    page.click("Juice")
    page.click("Tea")
    assert [badge.text for badge in page.active().find_elements(By.CSS_SELECTOR, ".order")] == ["2", "", "1"]
    page.send()
    page.sees("Ranked:")

    page.say("dropdown")
    page.sees("Which country?")
    page.select("Egypt")
    page.send()
    page.sees("Country Egypt.")

    page.say("autocomplete")
    page.sees("Which city?")
    options = page.active().find_elements(By.CSS_SELECTOR, "datalist option")
    assert [option.get_attribute("value") for option in options] == ["Amsterdam", "Antwerp", "Cairo"]
    page.fill("cairo")
    page.send()
    page.sees("City Cairo.")

    page.say("picker")
    page.sees("Pick a plan")
    assert "paid" in page.active().text  # the items' subtitles are shown
    page.click("Pro")
    page.send()
    page.sees("Plan Pro.")

    page.say("confirm")
    page.sees("Place the order?")
    assert "Margherita" in page.active().text  # the data to confirm
    page.click("No")
    page.sees("Not ordered.")
    page.screenshot("gallery-choices")


def test_date_time_duration_and_location(chat, browser):
    page = chat(GALLERY)
    page.say("when")
    page.sees("When shall we deliver?")
    picker = page.active().find_element(By.CSS_SELECTOR, "input[type=datetime-local]")
    tomorrow = pendulum.now().add(days=1)
    page.js("arguments[0].value = arguments[1]", picker, tomorrow.format("YYYY-MM-DD") + "T18:30")
    page.send()
    page.sees(f"Delivery on {tomorrow.format('YYYY-MM-DD')}")

    page.say("howlong")
    page.sees("How long?")
    hours, minutes = page.active().find_elements(By.CSS_SELECTOR, "input.unit")[1:]
    hours.send_keys("2")
    minutes.send_keys("30")
    page.send()
    page.sees("Duration 2 hours 30 minutes.")
    page.say("howlong")
    page.fill("9")  # 9 days: over the widget's max of 7 days
    page.send()
    page.sees("at most")

    page.say("where")  # the duration question took it as a wrong answer: answer it first
    page.fill("1")
    page.send()
    page.sees("Duration 1 day.")
    page.say("where")
    page.sees("Where are you?")
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": page.server.http_url, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 52.37, "longitude": 4.89, "accuracy": 10})
    page.click("Use my location")
    page.wait(lambda: page.active().find_elements(By.CSS_SELECTOR, "input")[0].get_attribute("value"), "a position")
    page.send()
    page.sees("You are at 52.37, 4.89.")
    browser.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})

    page.say("where")  # typed by hand: the fallback when the browser has no location
    page.sees("Where are you?", count=2)
    latitude, longitude = page.active().find_elements(By.CSS_SELECTOR, "input")
    latitude.send_keys("48.85")
    longitude.send_keys("2.35")
    page.send()
    page.sees("You are at 48.85, 2.35.")
    page.screenshot("gallery-dates-and-places")


def test_forms_show_every_error_at_once_and_keep_what_was_typed(chat):
    page = chat(GALLERY)
    page.say("form")
    page.sees("Your details")
    inputs = page.active().find_elements(By.CSS_SELECTOR, "input")
    inputs[0].send_keys("A")
    inputs[1].send_keys("12")
    page.send()
    page.sees("Please fix these fields")
    errors = page.wait(lambda: page.active().find_elements(By.CSS_SELECTOR, ".field-error"), "field errors")
    assert [error.text for error in errors] == ["Please type at least 2 characters.",
                                                "Please give a number of at least 18.", "Please choose one of: S, M."]
    inputs = page.active().find_elements(By.CSS_SELECTOR, "input")
    assert inputs[0].get_attribute("value") == "A" and inputs[0].get_attribute("aria-invalid") == "true"
    inputs[0].clear()
    inputs[0].send_keys("Ann")
    inputs[1].clear()
    inputs[1].send_keys("30")
    page.select("M")
    page.screenshot("gallery-form")
    page.send()
    page.sees("Welcome Ann, 30, size M.")

    page.say("values")
    page.sees("Add labels")
    page.click("Add a row")
    rows = page.active().find_elements(By.CSS_SELECTOR, ".rows input")
    for field, text in zip(rows, ["colour", "blue", "size", "L"]):
        field.send_keys(text)
    page.send()
    page.sees("Labels: 2.")


def test_upload_shows_the_file_before_sending_and_large_files_go_over_http(chat, tmp_path):
    page = chat(GALLERY)
    page.say("upload")
    page.sees("Your CV?")
    small = tmp_path / "cv.txt"
    small.write_text("Ann, engineer\n")
    picker = page.active().find_element(By.CSS_SELECTOR, "input[type=file]")
    assert picker.get_attribute("accept") == ".txt,.pdf"
    picker.send_keys(str(small))
    page.wait(lambda: "cv.txt" in page.active().text and "14 B" in page.active().text, "the file's name and size")
    page.click("Upload")
    page.sees("Got cv.txt of 14 bytes.")

    page.say("upload")
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 150_000)  # over the widget's max_size, and over one WebSocket frame
    page.active().find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(big))
    page.wait(lambda: "the bot will refuse it" in page.active().text, "the size warning before sending")
    page.click("Upload")
    page.sees("at most", timeout=15)  # refused on the server, in words; nothing stored

    medium = tmp_path / "medium.txt"
    medium.write_bytes(b"y" * 80_000)  # fits the widget, too big for a frame: sent over HTTP
    page.active().find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(medium))
    page.click("Upload")
    page.sees("Got medium.txt of 80000 bytes.", timeout=15)
    assert len(list((page.server.folder / ".bubble" / "uploads").glob("*"))) == 2


def test_captcha_picture_audio_and_answer(chat):
    page = chat(GALLERY)
    page.say("captcha")
    page.sees("Prove you are human")
    image = page.active().find_element(By.CSS_SELECTOR, "img.captcha")
    assert image.get_attribute("src").startswith("data:image/png;base64,")
    page.wait(lambda: page.js("return arguments[0].naturalWidth", image) > 0, "the picture to load")
    page.click("Listen instead")
    audio = page.wait(lambda: page.active().find_element(By.CSS_SELECTOR, "audio[src^='blob:']"), "the audio")
    assert page.wait(lambda: page.js("return arguments[0].readyState", audio) >= 1, "the audio to load")
    page.fill("WRONG", "input[type=text]")
    page.send()
    page.sees("That was not right, 2 tries left")
    challenge = challenge_of(page.state().frames[-1].wait)
    page.fill(to_text(challenge["text"]).lower(), "input[type=text]")
    page.send()
    page.sees("Human.")


def test_content_frames_are_drawn(chat, tmp_path):
    page = chat(GALLERY)
    page.say("content")
    page.sees("Pick one")
    markdown = page.driver.find_element(By.CSS_SELECTOR, ".markdown")
    assert markdown.find_element(By.CSS_SELECTOR, "strong").text == "Bold"
    link = markdown.find_element(By.CSS_SELECTOR, "a")
    assert (link.get_attribute("href"), link.get_attribute("rel")) == ("https://example.com/", "noopener noreferrer nofollow")
    cells = [cell.text for cell in page.driver.find_elements(By.CSS_SELECTOR, ".messages td")]
    assert cells == ["Ann", "31", "Bob", "7"]
    qr = page.driver.find_element(By.CSS_SELECTOR, "figure.qrcode img")
    page.wait(lambda: page.js("return arguments[0].naturalWidth", qr) > 0, "the QR code")
    assert page.driver.find_element(By.CSS_SELECTOR, ".location a").get_attribute("href").startswith(
        "https://www.openstreetmap.org/?mlat=52.37&mlon=4.89")
    downloads = page.driver.find_elements(By.CSS_SELECTOR, "a.download")
    assert [d.get_attribute("download") for d in downloads] == ["order.txt", "hello.txt"]
    folder = tmp_path / "downloads"
    folder.mkdir()
    page.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    downloads[1].click()
    page.wait(lambda: (folder / "hello.txt").is_file() and (folder / "hello.txt").read_bytes() == b"hello",
              "the download")
    assert page.driver.find_element(By.CSS_SELECTOR, ".messages audio").get_attribute("src") == "https://example.com/a.mp3"
    assert page.driver.find_element(By.CSS_SELECTOR, ".messages video").get_attribute("controls") is not None
    progress = page.driver.find_element(By.CSS_SELECTOR, "progress")
    assert progress.get_attribute("value") == "40"
    docs = page.active().find_element(By.CSS_SELECTOR, "a.button")
    assert docs.get_attribute("href") == "https://example.com/docs"
    page.click("Menu")
    page.screenshot("gallery-content")

    page.say("chart")
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, ".chart .main-svg"), "Plotly to draw the chart", timeout=20)
    assert "Sales" in page.driver.find_element(By.CSS_SELECTOR, ".chart").text
    page.screenshot("gallery-chart")
    assert page.console_errors() == []


def test_wizard_steps_back_and_reload_mid_wizard(chat):
    page = chat(GALLERY)
    page.say("wizard")
    page.wait(lambda: page.step_title() == "Step 1 of 3 — Name", "the step header")
    assert not page.driver.find_element(By.CSS_SELECTOR, ".stepbar .back").is_enabled()  # nothing before step 1
    page.say("Ann")
    page.wait(lambda: page.step_title() == "Step 2 of 3 — Color", "step 2")
    page.back()
    page.wait(lambda: page.step_title() == "Step 1 of 3 — Name", "Back to step 1")
    page.say("Bea")
    page.wait(lambda: page.step_title() == "Step 2 of 3 — Color", "step 2 again")
    page.screenshot("gallery-wizard")

    page.reload()  # mid-wizard: the history and the open question are drawn again
    page.wait(lambda: page.step_title() == "Step 2 of 3 — Color", "the step after a reload")
    page.sees("Bea")  # the user's own answers come back too
    page.click("Blue")
    page.sees("Thanks Bea, Blue.")
    page.wait(lambda: page.step_title() == "Step 3 of 3 — Done", "the final step")
    texts = page.bot_texts()
    assert len(texts) == len(set(zip(range(len(texts)), texts)))  # nothing drawn twice
    assert page.text().count("Your name?") == 2  # once, and once more after Back


def test_voice_message_and_a_file_without_a_question(chat, tmp_path):
    page = chat(GALLERY)
    page.sees("Hello from the gallery")
    mic = page.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Record a voice message']")
    assert mic.is_displayed()
    mic.click()
    page.wait(lambda: mic.get_attribute("aria-pressed") == "true", "recording to start")
    page.wait(lambda: page.js("return document.querySelector('.status').textContent").startswith("Recording"), "status")
    time.sleep(1.0)
    mic.click()
    page.sees("A voice message of audio/webm")
    assert "Voice message" in page.user_texts()[-1]
    note = tmp_path / "note.txt"
    note.write_text("hello")
    page.driver.find_element(By.CSS_SELECTOR, ".composer input[type=file]").send_keys(str(note))
    page.sees("A file called note.txt of 5 bytes.")


MEDIA_BOT = '''dialog main do
  ask "A selfie please", expecting: :image
  say "Got a picture of #{answer.size} bytes"
  ask "Where are you?", expecting: :location
  say "At #{answer.lat}, #{answer.lon}"
  ask "A file, or skip it", expecting: [:file, "Skip"]
  say "Then: #{answer}"
end
'''


def test_media_expectations_offer_a_button_for_what_the_question_waits_for(chat, browser, tmp_path):
    bot = tmp_path / "media.bot"
    bot.write_text(MEDIA_BOT)
    page = chat(bot)
    page.sees("A selfie please")
    picture = page.active().find_element(By.XPATH, ".//button[normalize-space()='Send a picture']")
    page.js("arguments[0].click = function () {}", page.driver.find_element(By.CSS_SELECTOR, ".composer input[type=file]"))
    picture.click()  # the picker opens for pictures only (a headless browser shows no dialog)
    picker = page.driver.find_element(By.CSS_SELECTOR, ".composer input[type=file]")
    assert picker.get_attribute("accept") == "image/*"
    page.say("here")  # typing does not answer a picture question: it is asked again
    page.wait(lambda: page.text().count("A selfie please") == 2, "the question again")
    png = tmp_path / "me.png"
    from bubble_lang.engine.content_images import qrcode_data_url
    import base64
    png.write_bytes(base64.b64decode(qrcode_data_url("me").split(",", 1)[1]))
    picker.send_keys(str(png))
    page.sees(f"Got a picture of {png.stat().st_size} bytes")
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": page.server.http_url, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 52.37, "longitude": 4.89, "accuracy": 5})
    page.sees("Where are you?")
    page.active().find_element(By.XPATH, ".//button[normalize-space()='Share my location']").click()
    page.sees("At 52.37, 4.89")
    browser.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})
    page.sees("A file, or skip it")
    assert page.active().find_elements(By.XPATH, ".//button[normalize-space()='Send a file']")  # beside the choice
    page.click("Skip")
    page.sees("Then: Skip")
    assert not page.console_errors()
