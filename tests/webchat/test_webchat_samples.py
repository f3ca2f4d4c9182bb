"""Every sample bot, conversed with through the page as a user would: typing, clicking quick
replies, filling every widget, pressing Back. The walks follow each sample's own conversation
test (samples/*.test.bot), and a screenshot of each is kept as a test artifact."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from selenium.webdriver.common.by import By

from bubble_lang.runtime.values import to_text
from bubble_lang.vm.captcha_challenges import challenge_of

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
pytestmark = pytest.mark.browser


def walk_bml(page):
    page.reads("I'm the pattern bot")
    page.say("my name is Ada Lovelace")
    page.reads("Hello Ada Lovelace")
    page.say("my zip code is 1017 ab")
    page.reads("Zip code 1017 AB noted")


def walk_calculator(page):
    page.reads("Hello I am CompuTron")
    page.say("add 5 and 5")
    page.wait(lambda: page.bot_texts()[-1].strip() == "10", "10")
    page.say("subtract 5 of 50")
    page.wait(lambda: page.bot_texts()[-1].strip() == "45", "45")


def walk_chatflow_order(page):
    page.reads("Hello What's your name")
    page.fill("Ada")
    page.send()
    page.reads("Please select a Resturant")
    page.select("3 Burger")
    page.send()
    page.reads("Please Select your main dish")
    page.click("Douple Burger")
    page.send()
    page.reads("How many Douple Burger do you want")
    page.fill("3")
    page.send()
    page.reads("what do you want with your order")
    page.click("fries")
    page.click("Onion rings")
    page.send()
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, ".markdown"), "the order summary")


def walk_color(page):
    page.reads("Choose a color")
    page.say("blue")
    page.reads("That is not right")
    page.reads("Back to the subject")
    page.click("Red")  # the right color: the bot says nothing more, but the answer was taken
    page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, ".msg.user[data-state=delivered]"), "the ack of Red")
    assert page.user_texts() == ["blue", "Red"]


def walk_events(page, browser, tmp_path):
    page.reads("I'm the Amsterdam city guide")
    page.say("cancel reminder")
    page.reads("There is no reminder to cancel")
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": page.server.http_url, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 48.85, "longitude": 2.35, "accuracy": 5})
    page.driver.find_element(By.CSS_SELECTOR, "button[aria-label='Share my location']").click()
    page.reads("You are at 48.85, 2.35, which is outside Amsterdam")
    browser.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})
    picture = tmp_path / "canal.png"
    from bubble_lang.engine.content_images import qrcode_data_url
    import base64
    picture.write_bytes(base64.b64decode(qrcode_data_url("a canal").split(",", 1)[1]))
    page.driver.find_element(By.CSS_SELECTOR, ".composer input[type=file]").send_keys(str(picture))
    page.reads("Nice picture! Here it is back")
    echoed = page.wait(lambda: page.driver.find_elements(By.CSS_SELECTOR, ".msg.bot figure img"), "the picture back")[-1]
    page.wait(lambda: page.js("return arguments[0].naturalWidth", echoed) > 0, "the picture to load from the server")


def walk_features(page):
    page.reads("I'm Sam your help desk assistant")
    page.reads("What is your email address")
    page.say("ada@example.com")
    page.reads("Thanks We'll reply to ada@example.com")
    page.say("Opening hours")
    page.reads("We are open on weekdays from 9:00-17:00")


def walk_guards(page):
    page.reads("What pizza would you like to order")
    page.click("Hawaii")
    page.reads("Do you want another pizza")
    page.click("Pepperoni")
    page.wait(lambda: page.text().count("Do you want another pizza") == 2, "the second question")
    page.click("No thanks")
    page.reads("Two pizzas Hawaii and Pepperoni")


def walk_pizza(page):
    page.say("hi")
    page.reads("Welcome to Pizza Bot")
    page.say("pepperoni")
    page.reads("How many pepperoni pizzas")
    page.say("2")
    page.reads("So that is 2 x pepperoni Shall I place the order")
    page.say("yes")
    page.reads("Your order is placed Goodbye")


def walk_restaurant(page):
    page.reads("Welcome to Restaurant Sienna")
    page.reads("What can I do for you today")
    assert page.driver.find_elements(By.CSS_SELECTOR, ".msg.bot figure img, .msg.bot .location")
    page.click("Location")
    page.reads("You can find us at Wibautstraat 150 in Amsterdam")
    page.reads("What else can I do for you")


def walk_signup(page, tmp_path):
    page.reads("First, please type the characters in the picture")
    challenge = challenge_of(page.state().frames[-1].wait)
    page.fill(to_text(challenge["text"]), "input[type=text]")
    page.send()
    page.reads("Tell us about yourself")
    fields = page.active().find_elements(By.CSS_SELECTOR, "input[type=text], input[type=number]")
    for field, text in zip(fields, ["Ada", "36", "ada@example.com"]):
        field.send_keys(text)
    page.click("evening")
    page.send()
    page.reads("Where do you live")
    latitude, longitude = page.active().find_elements(By.CSS_SELECTOR, "input[type=number]")
    latitude.send_keys("52.37")
    longitude.send_keys("4.89")
    page.send()
    page.reads("Please upload a short CV")
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4\n% a CV\n")
    page.active().find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(cv))
    page.click("Upload")
    page.reads("Anything else we should know")
    name, value = page.active().find_elements(By.CSS_SELECTOR, ".rows input")
    name.send_keys("allergies")
    value.send_keys("nuts")
    page.send()
    page.reads("Is this right")
    cells = [cell.text for cell in page.driver.find_elements(By.CSS_SELECTOR, ".messages table")[-1]
             .find_elements(By.CSS_SELECTOR, "td")]
    assert cells == ["Name", "Ada", "Age", "36", "Shift", "evening", "CV", "cv.pdf"]  # values as text, not as JSON
    page.click("Yes")
    page.reads("You are registered Ada")
    assert page.driver.find_elements(By.CSS_SELECTOR, "figure.qrcode img")
    assert page.driver.find_elements(By.CSS_SELECTOR, "a.download")


def walk_tasks(page):
    page.reads("Welcome to the Corner Shop assistant")
    page.say("ARE YOU OPEN")
    page.reads("No need to shout")


def walk_trivia(page):
    page.reads("Welcome to trivia night")
    page.reads("Question 1 of 3")
    page.say("Jupiter")
    page.reads("Right")
    page.reads("Question 2 of 3")


def walk_ubuntu_wizard(page):
    page.wait(lambda: page.step_title() == "Step 1 of 5 — Network", "step 1")
    page.click("staging")
    page.send()
    page.wait(lambda: page.step_title() == "Step 2 of 5 — Solution name", "step 2")
    page.fill("web1")
    page.send()
    page.wait(lambda: page.step_title() == "Step 3 of 5 — Ubuntu version", "step 3")
    page.back()  # to step 2, with its answer undone
    page.wait(lambda: page.step_title() == "Step 2 of 5 — Solution name", "Back to step 2")
    page.fill("web2")
    page.send()
    page.wait(lambda: page.step_title() == "Step 3 of 5 — Ubuntu version", "step 3 again")
    page.click("ubuntu-20.04")
    page.send()
    page.wait(lambda: page.step_title() == "Step 4 of 5 — Overview", "the overview")
    page.click("Yes")
    page.reads("Your ubuntu container web2 (ubuntu-20.04) is being deployed on staging")
    assert page.step_title() == "Step 5 of 5 — Deployed"


def walk_widgets(page):
    page.reads("Hello what's your name")
    page.fill("Ada")
    page.send()
    page.reads("Please select a restaurant")
    page.select("3 Pizza")
    page.send()
    page.reads("Please select your main dish")
    page.click("Beef Pizza")
    page.send()
    page.reads("How many Beef Pizza do you want")
    assert page.active().find_element(By.CSS_SELECTOR, "input").get_attribute("value") == "1"  # the default
    page.fill("2")
    page.send()
    page.reads("What do you want with your order")
    page.back()  # at a step's first question: back to the step before, "Main dish"
    page.wait(lambda: page.step_title() == "Step 3 of 8 — Main dish", "Back to the main dish")
    page.click("Cheese Pizza")
    page.send()
    page.reads("How many Cheese Pizza do you want")
    page.fill("2")
    page.send()
    page.wait(lambda: page.text().count("What do you want with your order") == 2, "the sides again")
    page.click("Fries")
    page.send()
    page.reads("Something sweet to finish")
    page.click("Tiramisu")
    page.send()
    page.reads("When will you pick it up")
    tomorrow = pendulum.now().add(days=1).format("YYYY-MM-DD") + "T12:00"
    page.js("arguments[0].value = arguments[1]", page.active().find_element(By.CSS_SELECTOR, "input"), tomorrow)
    page.send()
    page.reads("Anything the kitchen should know")
    page.fill("Extra napkins please")
    page.send()
    page.reads("Shall I send this order to the restaurant")
    page.click("Yes")
    page.reads("Your order has been confirmed Ada")


WALKS = {
    "bml": walk_bml, "calculator": walk_calculator, "chatflow_order": walk_chatflow_order, "color": walk_color,
    "events": walk_events, "features": walk_features, "guards": walk_guards, "pizza": walk_pizza,
    "restaurant": walk_restaurant, "signup": walk_signup, "tasks": walk_tasks, "trivia": walk_trivia,
    "ubuntu_wizard": walk_ubuntu_wizard, "widgets": walk_widgets,
}


def sample_paths() -> list[Path]:
    return sorted(p for p in SAMPLES.rglob("*.bot") if not p.name.endswith(".test.bot"))


def test_every_sample_has_a_walk():
    assert sorted(p.stem for p in sample_paths()) == sorted(WALKS)


@pytest.mark.parametrize("name", sorted(WALKS))
def test_a_sample_through_the_page(name, chat, browser, tmp_path, request):
    if name == "trivia":
        request.getfixturevalue("trivia_server")
    bot = next(p for p in sample_paths() if p.stem == name)
    page = chat(bot)
    walk = WALKS[name]
    arguments = {"page": page, "browser": browser, "tmp_path": tmp_path}
    walk(**{key: arguments[key] for key in walk.__code__.co_varnames[:walk.__code__.co_argcount]})
    page.screenshot(f"sample-{name}")
    assert page.console_errors() == []
